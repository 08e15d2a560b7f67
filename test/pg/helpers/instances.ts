import { appendFile, chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run, runChecked } from '../../../src/exec/run.js';
import { chooseMajor, debianBindir, installedMajors, parseWantedMajor } from '../../../src/pg/installation.js';
import { initdbChecksumOptions } from '../../../src/pg/server-version.js';

/** The PostgreSQL these tests run: the one installed, or PGHA_PG_VERSION's when several are. */
export const PG_MAJOR = chooseMajor(installedMajors(), parseWantedMajor(process.env.PGHA_PG_VERSION), 'PGHA_PG_VERSION=<major>');
export const PG_BIN = debianBindir(PG_MAJOR);
const PG_USER = 'postgres';

/** One PostgreSQL instance of a test pair: its own data directory, socket directory and port. */
export interface TestInstance {
  node: string;
  datadir: string;
  socketDir: string;
  port: number;
}

export interface TestPair {
  base: string;
  primary: TestInstance;
  standby: TestInstance;
  /** OCF_RESKEY_* environment for the agent managing `instance`. */
  agentEnv(instance: TestInstance, extra?: Record<string, string>): Record<string, string>;
  cleanup(): Promise<void>;
}

async function asPostgres(file: string, args: string[]) {
  return runChecked('setpriv', ['--reuid', PG_USER, '--regid', PG_USER, '--init-groups', '--', file, ...args], { timeoutMs: 120_000 });
}

/** What pg_rewind needs; both on by default. Both off: a pair pg_rewind refuses to work on. */
export interface PairOptions {
  dataChecksums?: boolean;
  walLogHints?: boolean;
}

/**
 * A primary (initialised with data checksums unless asked otherwise) and a standby cloned from it by
 * pg_basebackup, each reaching the other through its socket directory, with
 * application_name equal to the node name, both stopped cleanly at the end.
 */
export async function createPair(basePort: number, options: PairOptions = {}): Promise<TestPair> {
  const { dataChecksums = true, walLogHints = true } = options;
  const base = await mkdtemp('/tmp/pgha-pg-');
  await chmod(base, 0o755);
  const instance = (node: string, port: number): TestInstance => ({ node, datadir: join(base, node), socketDir: join(base, `${node}-sock`), port });
  const primary = instance('node1', basePort);
  const standby = instance('node2', basePort + 1);
  for (const i of [primary, standby]) {
    await mkdir(i.socketDir);
    await chown(i.socketDir, ...(await pgIds()));
  }
  await mkdir(join(base, 'state'));
  await chown(base, ...(await pgIds()));
  await asPostgres(`${PG_BIN}/initdb`, ['-D', primary.datadir, ...initdbChecksumOptions(PG_MAJOR, dataChecksums), '-U', PG_USER, '-A', 'trust']);
  await appendFile(join(primary.datadir, 'pg_hba.conf'), 'local replication all trust\n');
  await configure(primary, standby, walLogHints);
  await asPostgres(`${PG_BIN}/pg_ctl`, ['start', '-D', primary.datadir, '-w', '-l', join(base, 'node1.log')]);
  await asPostgres(`${PG_BIN}/pg_basebackup`, ['-D', standby.datadir, '-h', primary.socketDir, '-p', String(primary.port), '-U', PG_USER, '-X', 'stream', '-c', 'fast']);
  await configure(standby, primary, walLogHints);
  await writeFile(join(standby.datadir, 'standby.signal'), '');
  await chown(join(standby.datadir, 'standby.signal'), ...(await pgIds()));
  // A fresh base backup reads "in production" until it has run once (lab-notes).
  await asPostgres(`${PG_BIN}/pg_ctl`, ['start', '-D', standby.datadir, '-w', '-l', join(base, 'node2.log')]);
  await asPostgres(`${PG_BIN}/pg_ctl`, ['stop', '-D', standby.datadir, '-m', 'fast', '-w']);
  await asPostgres(`${PG_BIN}/pg_ctl`, ['stop', '-D', primary.datadir, '-m', 'fast', '-w']);

  return {
    base,
    primary,
    standby,
    agentEnv: (i, extra = {}) => ({
      OCF_ROOT: '/usr/lib/ocf',
      OCF_RESOURCE_INSTANCE: 'pgsqld',
      OCF_RESKEY_bindir: PG_BIN,
      OCF_RESKEY_pgdata: i.datadir,
      OCF_RESKEY_pghost: i.socketDir,
      OCF_RESKEY_pgport: String(i.port),
      OCF_RESKEY_logfile: join(base, `${i.node}.log`),
      OCF_RESKEY_CRM_meta_on_node: i.node,
      OCF_RESKEY_CRM_meta_timeout: '30000',
      PGHA_STATE_DIR: join(base, 'state', i.node),
      ...extra,
    }),
    cleanup: async () => {
      for (const i of [primary, standby]) await run(`${PG_BIN}/pg_ctl`, ['stop', '-D', i.datadir, '-m', 'immediate', '-w'], { user: PG_USER, timeoutMs: 30_000 });
      if (!process.env.PGHA_KEEP_TEST_DIRS) await rm(base, { recursive: true, force: true });
    },
  };
}

/** Each instance listens only on its own socket directory; primary_conninfo points at the other one. */
async function configure(self: TestInstance, other: TestInstance, walLogHints: boolean): Promise<void> {
  await appendFile(
    join(self.datadir, 'postgresql.conf'),
    [
      `port = ${self.port}`,
      "listen_addresses = ''",
      `unix_socket_directories = '${self.socketDir}'`,
      'wal_level = replica',
      'hot_standby = on',
      'wal_keep_size = 256MB',
      `wal_log_hints = ${walLogHints ? 'on' : 'off'}`,
      'wal_receiver_timeout = 5s',
      'wal_retrieve_retry_interval = 500ms',
      'shared_buffers = 16MB',
      'max_wal_size = 64MB',
      `primary_conninfo = 'host=${other.socketDir} port=${other.port} user=${PG_USER} application_name=${self.node}'`,
      '',
    ].join('\n'),
  );
}

let ids: [number, number] | undefined;
async function pgIds(): Promise<[number, number]> {
  if (!ids) {
    const uid = Number((await runChecked('id', ['-u', PG_USER])).stdout);
    const gid = Number((await runChecked('id', ['-g', PG_USER])).stdout);
    ids = [uid, gid];
  }
  return ids;
}
