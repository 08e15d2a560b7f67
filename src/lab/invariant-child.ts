// Runs inside the client network namespace (started by invariant-monitor.ts):
// every interval, asks each node's PostgreSQL at its own address (never the
// VIP) whether it is in recovery and who streams from it, and commits a
// numbered token on every node that is not, printing one JSON line per look
// (a NodeSample of invariants.ts) on stdout. Each node has its own loop, so a
// node that hangs delays only its own samples.
import pg from 'pg';
import { errorMessage } from '../common/text.js';

const [table = '', firstText = '1', intervalText = '100', ...targets] = process.argv.slice(2);
const intervalMs = Number(intervalText);
let next = Number(firstText);
let stopping = false;
process.on('SIGTERM', () => {
  stopping = true;
});

/** Longer than any healthy answer, short enough that a hung node shows as down within a second. */
const ANSWER_TIMEOUT_MS = 1_000;
const STATE_QUERY = "SELECT pg_is_in_recovery() AS r, coalesce(string_agg(application_name, ',' ORDER BY application_name), '') AS s FROM pg_stat_replication WHERE state = 'streaming'";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const emit = (event: object) => process.stdout.write(`${JSON.stringify(event)}\n`);

async function connect(host: string): Promise<pg.Client> {
  // No statement_timeout: a cancelled wait for synchronous replication still commits, and
  // reports success. A write that times out on this side is simply not acknowledged.
  const c = new pg.Client({ host, port: 5432, user: 'postgres', database: 'postgres', connectionTimeoutMillis: ANSWER_TIMEOUT_MS, query_timeout: ANSWER_TIMEOUT_MS, keepAlive: true, application_name: 'pgha-lab-invariants' });
  c.on('error', () => undefined);
  await c.connect();
  return c;
}

async function look(node: string, client: pg.Client): Promise<object> {
  const start = Date.now();
  const state = await client.query<{ r: boolean; s: string }>(STATE_QUERY);
  const senders = state.rows[0]!.s ? state.rows[0]!.s.split(',') : [];
  if (state.rows[0]!.r) return { node, start, end: Date.now(), kind: 'refused', inRecovery: true, senders };
  const n = next++;
  try {
    const inserted = await client.query<{ at: string }>(`INSERT INTO ${table} (n) VALUES ($1) RETURNING (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS at`, [n]);
    return { node, start, end: Date.now(), kind: 'ack', n, at: Number(inserted.rows[0]!.at), senders };
  } catch (error) {
    // 25006: read-only (demoted, or default_transaction_read_only): refusing writes is what a non-primary must do.
    if ((error as { code?: string }).code === '25006') return { node, start, end: Date.now(), kind: 'refused', inRecovery: false, senders };
    throw error;
  }
}

async function watch(node: string, host: string): Promise<void> {
  let client: pg.Client | undefined;
  while (!stopping) {
    const start = Date.now();
    try {
      client ??= await connect(host);
      emit(await look(node, client));
    } catch (error) {
      emit({ node, start, end: Date.now(), kind: 'down', error: errorMessage(error) });
      client?.end().catch(() => undefined);
      client = undefined;
    }
    await sleep(Math.max(0, intervalMs - (Date.now() - start)));
  }
  await client?.end().catch(() => undefined);
}

const watched = targets.map((t) => t.split('=') as [string, string]);
Promise.all(watched.map(([node, host]) => watch(node, host))).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`invariant monitor: ${String(error)}\n`);
    process.exit(1);
  },
);
