import { appendFile, chown, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { userInfo } from './users.js';
import { LAB_PREFIX, NODE_NIC, PG_PORT, VIP, type LabNodeLayout } from './layout.js';
import { Deadline, pollUntil } from '../exec/deadline.js';
import { PG_BINDIR, PG_LOGFILE, hostPathOf, PGDATA } from './node-fs.js';
import { runInNodeChecked } from './node-exec.js';
import { LAB_CONF_PATH, LAB_HBA_PATH, LAB_USER, labPgHba, labPostgresqlConf } from './pg-config.js';

/**
 * PostgreSQL 15 on every node before Pacemaker takes over, as PAF's quick
 * start does it: the first node is initdb'd as the primary and holds the VIP
 * for the time of the setup; the others are cloned from it and stream from the
 * VIP (so a fresh base backup has run once: never started, it reads "in
 * production" in controldata). The primary stops first, its standbys receive
 * its shutdown checkpoint, then they stop: every node ends at the same WAL
 * position, all stopped, and the VIP is removed.
 */
export const WRITES_TABLE = 'pgha_writes';

const pg = (tool: string) => join(PG_BINDIR, tool);
const asPostgres = { user: 'postgres', timeoutMs: 120_000 } as const;

export async function setupPostgres(nodes: readonly LabNodeLayout[], log: (line: string) => void): Promise<void> {
  const [primary, ...standbys] = nodes;
  if (!primary) throw new Error('no nodes');
  log(`${primary.name}: initdb (checksums) as the primary`);
  await runInNodeChecked(
    primary.name,
    [pg('initdb'), '-D', PGDATA, '--data-checksums', '--locale=C', '--encoding=UTF8', '-U', LAB_USER, '--auth=trust'],
    asPostgres,
  );
  await configureNode(primary, true);
  await runInNodeChecked(primary.name, ['ip', 'addr', 'add', `${VIP}/${LAB_PREFIX}`, 'dev', NODE_NIC]);
  await pgCtl(primary, 'start');
  await runInNodeChecked(
    primary.name,
    [pg('psql'), '-X', '-q', '-h', '/run/postgresql', '-p', String(PG_PORT), '-U', LAB_USER, '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-c',
      `CREATE TABLE ${WRITES_TABLE} (n bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp())`],
    asPostgres,
  );
  for (const standby of standbys) {
    log(`${standby.name}: pg_basebackup from ${primary.name}`);
    await runInNodeChecked(
      standby.name,
      [pg('pg_basebackup'), '-h', VIP, '-p', String(PG_PORT), '-U', LAB_USER, '-D', PGDATA, '-X', 'stream', '-c', 'fast'],
      asPostgres,
    );
    await configureNode(standby, false);
    await writeOwned(standby, join(PGDATA, 'standby.signal'), '');
    await pgCtl(standby, 'start');
  }
  await waitStreaming(primary, standbys.map((s) => s.name));
  await pgCtl(primary, 'stop');
  for (const standby of standbys) await pgCtl(standby, 'stop');
  await runInNodeChecked(primary.name, ['ip', 'addr', 'del', `${VIP}/${LAB_PREFIX}`, 'dev', NODE_NIC]);
}

async function waitStreaming(primary: LabNodeLayout, names: readonly string[]): Promise<void> {
  const sql = "SELECT string_agg(application_name, ' ' ORDER BY application_name) FROM pg_stat_replication WHERE state = 'streaming'";
  let seen = '';
  const ok = await pollUntil(Deadline.after(30_000), 200, async () => {
    const r = await runInNodeChecked(primary.name, [pg('psql'), '-X', '-At', '-h', '/run/postgresql', '-p', String(PG_PORT), '-U', LAB_USER, '-d', 'postgres', '-c', sql], asPostgres);
    seen = r.stdout.trim();
    return names.every((n) => seen.split(' ').includes(n)) ? true : undefined;
  });
  if (!ok) throw new Error(`standbys did not stream from ${primary.name} within 30s (streaming: "${seen}")`);
}

export async function configureNode(node: LabNodeLayout, initial: boolean): Promise<void> {
  await writeOwned(node, LAB_CONF_PATH, labPostgresqlConf(node));
  await writeOwned(node, LAB_HBA_PATH, labPgHba(node));
  // The base backup copies postgresql.conf with the include already in it; the
  // absolute path resolves to each node's own file.
  if (initial) await appendFile(hostPathOf(node.name, join(PGDATA, 'postgresql.conf')), `\ninclude '${LAB_CONF_PATH}'\n`);
}

export async function writeOwned(node: LabNodeLayout, insidePath: string, text: string): Promise<void> {
  const path = hostPathOf(node.name, insidePath);
  await writeFile(path, text, { mode: 0o600 });
  const pgUser = await userInfo('postgres');
  await chown(path, pgUser.uid, pgUser.gid);
}

export async function pgCtl(node: LabNodeLayout, action: 'start' | 'stop'): Promise<void> {
  const args = action === 'start' ? ['start', '-D', PGDATA, '-w', '-t', '60', '-l', PG_LOGFILE] : ['stop', '-D', PGDATA, '-m', 'fast', '-w', '-t', '60'];
  await runInNodeChecked(node.name, [pg('pg_ctl'), ...args], { user: 'postgres', timeoutMs: 70_000 });
}
