// Runs inside the client network namespace (started by writer.ts): inserts
// numbered rows through the VIP, one at a time, and prints one JSON line per
// attempt on stdout: {"n":..,"ok":true|false,"start":ms,"end":ms,"error"?:..}.
// Short client-side timeouts so an outage is seen within about a second.
import pg from 'pg';
import { errorMessage } from '../common/text.js';

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
 * Connection attempts: one at a time, failing fast as before, except that while the latest
 * attempt hangs (a SYN sent before the VIP moved, answered by nobody), another starts every
 * ATTEMPT_SPACING_MS, and the first to connect serves the writes. One hanging attempt at a time
 * would measure a VIP move in steps of the connect timeout; extra attempts only while one hangs
 * add no load on an instance that answers, refusing or not.
 */
const ATTEMPT_SPACING_MS = 100;
const CONNECT_TIMEOUT_MS = 800;
let attemptsInFlight = 0;
let latestAttemptAt = 0;
let waiting: Array<{ resolve: (c: pg.Client) => void; reject: (e: unknown) => void }> = [];

function settleWaiters(outcome: { client: pg.Client } | { error: unknown }): void {
  const settled = waiting;
  waiting = [];
  for (const w of settled) {
    if ('client' in outcome) w.resolve(outcome.client);
    else w.reject(outcome.error);
  }
}

function startAttempt(): void {
  if (client || stopping) return;
  attemptsInFlight += 1;
  latestAttemptAt = Date.now();
  const c = new pg.Client({
    host,
    port,
    user: 'postgres',
    database: 'postgres',
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    // Client side only: a server-side statement_timeout cancelling a wait for synchronous
    // replication still commits locally and reports success, a write no standby confirmed.
    query_timeout: 1000,
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
      settleWaiters({ client: c });
    },
    (error: unknown) => {
      attemptsInFlight -= 1;
      if (attemptsInFlight === 0 && !client) settleWaiters({ error });
    },
  );
}

const hangingAttempts = setInterval(() => {
  if (attemptsInFlight > 0 && Date.now() - latestAttemptAt >= ATTEMPT_SPACING_MS) startAttempt();
}, ATTEMPT_SPACING_MS / 2);

/**
 * The current connection, or the first attempt to succeed; rejects when every attempt failed,
 * or after CONNECT_TIMEOUT_MS (attempts go on in the background), so each write attempt ends.
 */
function connected(): Promise<pg.Client> {
  if (client) return Promise.resolve(client);
  if (attemptsInFlight === 0) startAttempt();
  return new Promise((resolve, reject) => {
    const waiter = {
      resolve: (c: pg.Client) => {
        clearTimeout(timer);
        resolve(c);
      },
      reject: (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    };
    const timer = setTimeout(() => {
      waiting = waiting.filter((w) => w !== waiter);
      reject(new Error(`no connection within ${CONNECT_TIMEOUT_MS} ms`));
    }, CONNECT_TIMEOUT_MS);
    waiting.push(waiter);
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
      emit({ n: row, ok: false, start, end: Date.now(), error: errorMessage(error) });
      const c = client;
      client = undefined;
      c?.end().catch(() => undefined);
      await sleep(50);
    }
    await sleep(pauseMs);
  }
  clearInterval(hangingAttempts);
  await client?.end().catch(() => undefined);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`writer: ${String(error)}\n`);
    process.exit(1);
  },
);
