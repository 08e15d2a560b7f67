// Runs inside the client network namespace (started by writer.ts): inserts
// numbered rows through the VIP, one at a time, and prints one JSON line per
// attempt on stdout: {"n":..,"ok":true|false,"start":ms,"end":ms,"error"?:..}.
// Short client-side timeouts so an outage is seen within about a second.
import pg from 'pg';

const [host = '', portText = '5432', table = '', firstText = '1', pauseText = '20'] = process.argv.slice(2);
const port = Number(portText);
const pauseMs = Number(pauseText);
let n = Number(firstText);
let client: pg.Client | undefined;
let stopping = false;
process.on('SIGTERM', () => {
  stopping = true;
});

const emit = (event: object) => process.stdout.write(`${JSON.stringify(event)}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function connected(): Promise<pg.Client> {
  if (client) return client;
  const c = new pg.Client({
    host,
    port,
    user: 'postgres',
    database: 'postgres',
    connectionTimeoutMillis: 800,
    query_timeout: 1000,
    statement_timeout: 1000,
    keepAlive: true,
    application_name: 'pgha-lab-writer',
  });
  c.on('error', () => {
    if (client === c) client = undefined;
  });
  await c.connect();
  client = c;
  return c;
}

async function main(): Promise<void> {
  while (!stopping) {
    const start = Date.now();
    const row = n++;
    try {
      const c = await connected();
      await c.query(`INSERT INTO ${table} (n) VALUES ($1)`, [row]);
      emit({ n: row, ok: true, start, end: Date.now() });
    } catch (error) {
      emit({ n: row, ok: false, start, end: Date.now(), error: error instanceof Error ? error.message : String(error) });
      const c = client;
      client = undefined;
      c?.end().catch(() => undefined);
      await sleep(50);
    }
    await sleep(pauseMs);
  }
  await client?.end().catch(() => undefined);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`writer: ${String(error)}\n`);
    process.exit(1);
  },
);
