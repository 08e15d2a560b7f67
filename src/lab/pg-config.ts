import { CLIENT_IP, LAB_PREFIX, LAB_SUBNET, PG_PORT, VIP, type LabNodeLayout } from './layout.js';
import type { LabPostgres } from './lab-postgres.js';

/**
 * PostgreSQL configuration of a lab node, as PAF's quick start lays it out.
 * Pure text; written next to each node's PGDATA (LabPostgres.confPath and
 * hbaPath) after initdb / pg_basebackup.
 */
export const LAB_DATABASE = 'postgres';
export const LAB_USER = 'postgres';

/** Settings shared by every node (included from postgresql.conf). */
export function labPostgresqlConf(node: LabNodeLayout, pg: LabPostgres): string {
  return [
    '# written by pgha lab',
    "listen_addresses = '*'",
    `port = ${PG_PORT}`,
    "unix_socket_directories = '/run/postgresql'",
    `hba_file = '${pg.hbaPath}'`,
    'wal_level = replica',
    'hot_standby = on',
    'hot_standby_feedback = on',
    'max_wal_senders = 10',
    "wal_keep_size = '512MB'",
    'wal_log_hints = on',
    "wal_receiver_timeout = '5s'",
    "wal_sender_timeout = '5s'",
    "wal_retrieve_retry_interval = '1s'",
    "recovery_target_timeline = 'latest'",
    // The agents require application_name = node name to find each standby in pg_stat_replication.
    `primary_conninfo = 'host=${VIP} port=${PG_PORT} user=${LAB_USER} application_name=${node.name} connect_timeout=2 keepalives_idle=1 keepalives_interval=1 keepalives_count=3'`,
    "shared_buffers = '32MB'",
    'max_connections = 50',
    "log_line_prefix = '%m [%p] %q%u@%d '",
    '',
  ].join('\n');
}

/**
 * pg_hba.conf: trust inside the isolated lab network; replication refused from
 * the VIP and from the node itself (local, loopback, own address), so a
 * standby can never stream from itself when it holds the VIP (PAF quick start).
 */
export function labPgHba(node: LabNodeLayout): string {
  return [
    '# written by pgha lab',
    '# TYPE  DATABASE     USER  ADDRESS                 METHOD',
    'local   replication  all                           reject',
    `host    replication  all   ${VIP}/32          reject`,
    `host    replication  all   ${node.ip}/32           reject`,
    'host    replication  all   127.0.0.0/8             reject',
    'host    replication  all   ::1/128                 reject',
    `host    replication  all   ${LAB_SUBNET}.0/${LAB_PREFIX}         trust`,
    'local   all          all                           trust',
    'host    all          all   127.0.0.0/8             trust',
    `host    all          all   ${LAB_SUBNET}.0/${LAB_PREFIX}         trust`,
    `# the test client (${CLIENT_IP}) is inside the lab network above`,
    '',
  ].join('\n');
}
