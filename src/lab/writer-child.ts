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

/**
 * While there is no connection, a new attempt starts every ATTEMPT_SPACING_MS (each with its own
 * timeout), and the first to connect serves the writes. One attempt at a time would measure the
 * outage in steps of its timeout: a SYN sent before the VIP moved is answered by nobody, and only
 * the next attempt reaches the new primary.
 */
const ATTEMPT_SPACING_MS = 100;
const CONNECT_TIMEOUT_MS = 800;
const MAX_ATTEMPTS_IN_FLIGHT = CONNECT_TIMEOUT_MS / ATTEMPT_SPACING_MS;
let attemptsInFlight = 0;
let waiting: Array<(c: pg.Client) => void> = [];

function startAttempt(): void {
  if (client || stopping || attemptsInFlight >= MAX_ATTEMPTS_IN_FLIGHT) return;
  attemptsInFlight += 1;
  const c = new pg.Client({
    host,
    port,
    user: 'postgres',
    database: 'postgres',
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    query_timeout: 1000,
    statement_timeout: 1000,
    keepAlive: true,
    application_name: 'pgha-lab-writer',
  });
  c.on('error', () => {
    if (client === c) client = undefined;
  });
  c.connect().then(
    () => {
      attemptsInFlight -= 1;
      if (client || stopping) return void c.end().catch(() => undefined);
      client = c;
      for (const resolve of waiting) resolve(c);
      waiting = [];
    },
    () => {
      attemptsInFlight -= 1;
    },
  );
}

const attempts = setInterval(startAttempt, ATTEMPT_SPACING_MS);

/** The current connection, or the first attempt to succeed within CONNECT_TIMEOUT_MS. */
function connected(): Promise<pg.Client> {
  if (client) return Promise.resolve(client);
  startAttempt();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      waiting = waiting.filter((w) => w !== onConnected);
      reject(new Error(`no connection within ${CONNECT_TIMEOUT_MS} ms`));
    }, CONNECT_TIMEOUT_MS);
    const onConnected = (c: pg.Client) => {
      clearTimeout(timer);
      resolve(c);
    };
    waiting.push(onConnected);
  });
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
  clearInterval(attempts);
  await client?.end().catch(() => undefined);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`writer: ${String(error)}\n`);
    process.exit(1);
  },
);
