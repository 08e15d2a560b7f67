import pg from 'pg';
import { getProcessDeadline } from '../exec/run.js';
import { adoptConnectedSocket, canSwitchCredentials, connectUnixSocketAs } from '../exec/socket-as-user.js';

/** How the agent reaches its local instance (PAF's pghost/pgport/system_user). */
export interface ConnectionTarget {
  host: string;
  port: number;
  user: string;
  database?: string;
  /** Upper bound for connecting; the process deadline still applies. */
  connectTimeoutMs?: number;
  statementTimeoutMs?: number;
}

export type SqlClient = Pick<pg.Client, 'query'>;

/**
 * Runs `fn` with a connection, always closed afterwards. On a Unix socket
 * while running as root, the connection is made with the credentials of the
 * instance's OS user, so `peer` authentication sees that user (PAF runs psql
 * as that user for the same reason); no password is involved.
 */
export async function withConnection<T>(target: ConnectionTarget, fn: (client: SqlClient) => Promise<T>): Promise<T> {
  const budget = Math.max(100, Math.min(target.connectTimeoutMs ?? 5_000, getProcessDeadline().remainingMs() - 500));
  const peer = connectsAsPeer(target);
  const socket = peer && !canSwitchCredentials() ? adoptConnectedSocket(await connectUnixSocketAs(`${target.host}/.s.PGSQL.${target.port}`, target.user, budget)) : undefined;
  const client = new pg.Client({
    host: target.host,
    port: target.port,
    user: target.user,
    database: target.database ?? 'postgres',
    application_name: 'pgha',
    connectionTimeoutMillis: budget,
    statement_timeout: target.statementTimeoutMs ?? Math.max(1_000, budget),
    query_timeout: (target.statementTimeoutMs ?? Math.max(1_000, budget)) + 500,
    ...(socket ? { stream: () => socket } : {}),
  });
  client.on('error', () => {
    /* reported through the pending query or connect promise */
  });
  const connected = peer && !socket ? asUser(target.user, () => client.connect()) : client.connect();
  try {
    await connected;
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

const connectsAsPeer = (target: ConnectionTarget) => target.host.startsWith('/') && process.geteuid?.() === 0 && target.user !== 'root';

function asUser<T>(user: string, connect: () => T): T {
  // connect() on a Unix socket is issued synchronously, so the switch lasts only that call.
  process.setegid!(user);
  process.seteuid!(user);
  try {
    return connect();
  } finally {
    process.seteuid!(0);
    process.setegid!(0);
  }
}

/** A single-row query's first row, typed by the caller. */
export async function queryRow<T extends Record<string, unknown>>(client: SqlClient, text: string, values: unknown[] = []): Promise<T | undefined> {
  const result = await client.query(text, values);
  return result.rows[0] as T | undefined;
}
