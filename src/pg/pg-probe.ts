import pg from 'pg';
import { errorMessage } from '../common/text.js';

export interface PgTarget {
  host: string;
  port: number;
  user: string;
  database: string;
}

export interface ReplicationRow {
  applicationName: string;
  clientAddr?: string;
  state: string;
  syncState: string;
  sentLsn?: string;
  replayLsn?: string;
  replayLagSeconds?: number;
}

export type PgProbe =
  | {
      reachable: true;
      inRecovery: boolean;
      timeline?: number;
      /** Primary: pg_current_wal_lsn(). */
      currentLsn?: string;
      receiveLsn?: string;
      replayLsn?: string;
      receiverStatus?: string;
      senderHost?: string;
      replication: ReplicationRow[];
    }
  | { reachable: false; error: string };

const STATE_SQL = `
SELECT pg_is_in_recovery() AS in_recovery,
  CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn()::text END AS current_lsn,
  CASE WHEN pg_is_in_recovery() THEN NULL ELSE substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8) END AS wal_tli_hex,
  pg_last_wal_receive_lsn()::text AS receive_lsn,
  pg_last_wal_replay_lsn()::text AS replay_lsn,
  (SELECT timeline_id FROM pg_control_checkpoint()) AS checkpoint_tli,
  r.status AS receiver_status, r.received_tli, r.sender_host
FROM (SELECT 1) AS one LEFT JOIN pg_stat_wal_receiver AS r ON true`;

const REPLICATION_SQL = `
SELECT application_name, host(client_addr) AS client_addr, state, sync_state,
  sent_lsn::text AS sent_lsn, replay_lsn::text AS replay_lsn,
  EXTRACT(EPOCH FROM replay_lag)::float8 AS replay_lag_s
FROM pg_stat_replication`;

/**
 * One short connection to a node's PostgreSQL. Any failure (refused, timeout, authentication)
 * becomes `{reachable: false}`: a node that cannot be reached is a row, not a crash. The password,
 * if any, comes from PGPASSWORD or ~/.pgpass through the driver, never from pgha's arguments.
 */
export async function probePostgres(target: PgTarget, timeoutMs: number): Promise<PgProbe> {
  const client = new pg.Client({
    ...target,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    statement_timeout: timeoutMs,
    application_name: 'pgha',
  });
  client.on('error', () => {});
  try {
    await client.connect();
    const state = (await client.query(STATE_SQL)).rows[0] as Record<string, string | number | boolean | null>;
    const inRecovery = state['in_recovery'] === true;
    const replication = inRecovery ? [] : (await client.query(REPLICATION_SQL)).rows.map(replicationRow);
    const timeline = inRecovery
      ? num(state['received_tli']) ?? num(state['checkpoint_tli'])
      : state['wal_tli_hex'] ? parseInt(String(state['wal_tli_hex']), 16) : num(state['checkpoint_tli']);
    return {
      reachable: true,
      inRecovery,
      ...opt('timeline', timeline),
      ...opt('currentLsn', str(state['current_lsn'])),
      ...opt('receiveLsn', str(state['receive_lsn'])),
      ...opt('replayLsn', str(state['replay_lsn'])),
      ...opt('receiverStatus', str(state['receiver_status'])),
      ...opt('senderHost', str(state['sender_host'])),
      replication,
    };
  } catch (error) {
    return { reachable: false, error: errorMessage(error) };
  } finally {
    await client.end().catch(() => {});
  }
}

/** Is the server accepting writes right now (a fresh connection, `pg_is_in_recovery()` false)? */
export async function isWritable(target: PgTarget, timeoutMs: number): Promise<boolean> {
  const client = new pg.Client({ ...target, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs, application_name: 'pgha' });
  client.on('error', () => {});
  try {
    await client.connect();
    const { rows } = await client.query('SELECT pg_is_in_recovery() AS r');
    return rows[0]?.r === false;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

function replicationRow(row: Record<string, string | number | null>): ReplicationRow {
  return {
    applicationName: String(row['application_name'] ?? ''),
    ...opt('clientAddr', str(row['client_addr'])),
    state: String(row['state'] ?? ''),
    syncState: String(row['sync_state'] ?? ''),
    ...opt('sentLsn', str(row['sent_lsn'])),
    ...opt('replayLsn', str(row['replay_lsn'])),
    ...opt('replayLagSeconds', num(row['replay_lag_s'])),
  };
}

const str = (v: unknown) => (v === null || v === undefined ? undefined : String(v));
const num = (v: unknown) => (v === null || v === undefined || v === '' ? undefined : Number(v));
const opt = <K extends string, V>(key: K, value: V | undefined) => (value === undefined ? {} : ({ [key]: value } as Record<K, V>));
