import { tryParseLsn, type Lsn } from './lsn.js';
import { queryRow, type SqlClient } from './sql.js';
import { WAL_RECEIVER_CONNECT_WAIT_EVENT_SQL } from './server-version.js';
import type { ConnectingReceiver } from './wal-receiver-connect.js';

/** What one round trip tells about the local instance: role, WAL position, WAL receiver. */
export interface LocalStatus {
  inRecovery: boolean;
  /** Primary: current WAL insert LSN. Standby: undefined. */
  currentLsn: Lsn | undefined;
  receiveLsn: Lsn | undefined;
  replayLsn: Lsn | undefined;
  /** Timeline of the WAL being written (primary) or received/replayed (standby). */
  timeline: number;
  receiver: WalReceiver | undefined;
  /** Standby: a WAL receiver process still establishing its connection (absent from pg_stat_wal_receiver until connected). */
  connectingReceiver: ConnectingReceiver | undefined;
  synchronousStandbyNames: string;
}

export interface WalReceiver {
  status: string;
  receivedTimeline: number;
  flushedLsn: Lsn | undefined;
  senderHost: string | undefined;
}

// pg_control_checkpoint() lags a promotion until the next checkpoint, so the
// primary's timeline comes from the WAL file name of its insert position.
// pg_stat_activity is read only by a standby with no connected WAL receiver
// (a CASE branch not taken never runs its subquery): not in the steady state.
const LOCAL_STATUS_SQL = `
SELECT pg_is_in_recovery() AS in_recovery,
       CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn()::text END AS current_lsn,
       pg_last_wal_receive_lsn()::text AS receive_lsn,
       pg_last_wal_replay_lsn()::text AS replay_lsn,
       CASE WHEN pg_is_in_recovery() THEN (SELECT timeline_id FROM pg_control_checkpoint())
            ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END AS timeline,
       current_setting('synchronous_standby_names') AS sync_names,
       r.status AS receiver_status, r.received_tli, r.flushed_lsn::text AS flushed_lsn, r.sender_host,
       CASE WHEN r.status IS NULL AND pg_is_in_recovery() THEN
         (SELECT ARRAY[pid::bigint, (extract(epoch FROM clock_timestamp() - backend_start) * 1000)::bigint]
          FROM pg_stat_activity WHERE backend_type = 'walreceiver' AND wait_event = ${WAL_RECEIVER_CONNECT_WAIT_EVENT_SQL})
       END AS connecting
FROM (SELECT 1) AS one
LEFT JOIN pg_stat_wal_receiver r ON true`;

export async function readLocalStatus(client: SqlClient): Promise<LocalStatus> {
  const row = await queryRow<{
    in_recovery: boolean;
    current_lsn: string | null;
    receive_lsn: string | null;
    replay_lsn: string | null;
    timeline: number;
    receiver_status: string | null;
    received_tli: number | null;
    flushed_lsn: string | null;
    sender_host: string | null;
    /** [pid, ms since the WAL receiver started], as bigint text. */
    connecting: string[] | null;
    sync_names: string;
  }>(client, LOCAL_STATUS_SQL);
  if (!row) throw new Error('status query returned no row');
  return {
    inRecovery: row.in_recovery,
    currentLsn: tryParseLsn(row.current_lsn),
    receiveLsn: tryParseLsn(row.receive_lsn),
    replayLsn: tryParseLsn(row.replay_lsn),
    timeline: Number(row.timeline),
    receiver: row.receiver_status
      ? {
          status: row.receiver_status,
          receivedTimeline: Number(row.received_tli ?? 0),
          flushedLsn: tryParseLsn(row.flushed_lsn),
          senderHost: row.sender_host ?? undefined,
        }
      : undefined,
    connectingReceiver: row.connecting ? { pid: Number(row.connecting[0]), ageMs: Number(row.connecting[1]) } : undefined,
    synchronousStandbyNames: row.sync_names,
  };
}

/** One row of the primary's pg_stat_replication. */
export interface ReplicationPeer {
  applicationName: string;
  state: string;
  syncState: string;
  flushLsn: Lsn | undefined;
  /** Bytes between the primary's current LSN and this standby's flush LSN. */
  lagBytes: bigint | undefined;
}

export async function readReplicationPeers(client: SqlClient): Promise<ReplicationPeer[]> {
  const result = await client.query(`
    SELECT application_name, state, sync_state, flush_lsn::text AS flush_lsn,
           pg_wal_lsn_diff(pg_current_wal_lsn(), flush_lsn)::text AS lag
    FROM pg_stat_replication`);
  return result.rows.map((row: Record<string, string | null>) => ({
    applicationName: row.application_name ?? '',
    state: row.state ?? '',
    syncState: row.sync_state ?? '',
    flushLsn: tryParseLsn(row.flush_lsn),
    lagBytes: row.lag === null || row.lag === undefined ? undefined : BigInt(row.lag.split('.')[0]!),
  }));
}

export async function readSetting(client: SqlClient, name: string): Promise<string> {
  const row = await queryRow<{ setting: string }>(client, 'SELECT current_setting($1) AS setting', [name]);
  return row?.setting ?? '';
}
