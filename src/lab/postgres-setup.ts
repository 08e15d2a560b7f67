import { appendFile, chown, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { userInfo } from './users.js';
import { LAB_PREFIX, NODE_NIC, PG_PORT, VIP, type LabNodeLayout } from './layout.js';
import { Deadline, pollUntil } from '../exec/deadline.js';
import type { LabPostgres } from './lab-postgres.js';
import { PG_LOGFILE, hostPathOf } from './node-fs.js';
import { runInNodeChecked } from './node-exec.js';
import { LAB_USER, labPgHba, labPostgresqlConf } from './pg-config.js';

/**
 * PostgreSQL (the lab's major, lab-postgres.ts) on every node before Pacemaker takes over, as PAF's quick
 * start does it: the first node is initdb'd as the primary and holds the VIP
 * for the time of the setup; the others are cloned from it and stream from the
 * VIP (so a fresh base backup has run once: never started, it reads "in
 * production" in controldata). The primary stops first, its standbys receive
 * its shutdown checkpoint, then they stop: every node ends at the same WAL
 * position, all stopped, and the VIP is removed.
 */
export const WRITES_TABLE = 'pgha_writes';

const asPostgres = { user: 'postgres', timeoutMs: 120_000 } as const;

export async function setupPostgres(nodes: readonly LabNodeLayout[], pg: LabPostgres, log: (line: string) => void): Promise<void> {
  const [primary, ...standbys] = nodes;
  if (!primary) throw new Error('no nodes');
  const tool = (name: string) => join(pg.bindir, name);
  const { pgdata } = pg;
  log(`${primary.name}: initdb (PostgreSQL ${pg.major}, checksums) as the primary`);
  await runInNodeChecked(
    primary.name,
    [tool('initdb'), '-D', pgdata, '--data-checksums', '--locale=C', '--encoding=UTF8', '-U', LAB_USER, '--auth=trust'],
    asPostgres,
  );
  await configureNode(primary, pg, true);
  await runInNodeChecked(primary.name, ['ip', 'addr', 'add', `${VIP}/${LAB_PREFIX}`, 'dev', NODE_NIC]);
  await pgCtl(primary, pg, 'start');
  await runInNodeChecked(
    primary.name,
    [tool('psql'), '-X', '-q', '-h', '/run/postgresql', '-p', String(PG_PORT), '-U', LAB_USER, '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-c',
      `CREATE TABLE ${WRITES_TABLE} (n bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp())`],
    asPostgres,
  );
  for (const standby of standbys) {
    log(`${standby.name}: pg_basebackup from ${primary.name}`);
    await runInNodeChecked(
      standby.name,
      [tool('pg_basebackup'), '-h', VIP, '-p', String(PG_PORT), '-U', LAB_USER, '-D', pgdata, '-X', 'stream', '-c', 'fast'],
      asPostgres,
    );
    await configureNode(standby, pg, false);
    await writeOwned(standby, join(pgdata, 'standby.signal'), '');
    await pgCtl(standby, pg, 'start');
  }
  await waitStreaming(primary, pg, standbys.map((s) => s.name));
  await pgCtl(primary, pg, 'stop');
  for (const standby of standbys) await pgCtl(standby, pg, 'stop');
  await runInNodeChecked(primary.name, ['ip', 'addr', 'del', `${VIP}/${LAB_PREFIX}`, 'dev', NODE_NIC]);
}

async function waitStreaming(primary: LabNodeLayout, pg: LabPostgres, names: readonly string[]): Promise<void> {
  const sql = "SELECT string_agg(application_name, ' ' ORDER BY application_name) FROM pg_stat_replication WHERE state = 'streaming'";
  let seen = '';
  const ok = await pollUntil(Deadline.after(30_000), 200, async () => {
    const r = await runInNodeChecked(primary.name, [join(pg.bindir, 'psql'), '-X', '-At', '-h', '/run/postgresql', '-p', String(PG_PORT), '-U', LAB_USER, '-d', 'postgres', '-c', sql], asPostgres);
    seen = r.stdout.trim();
    return names.every((n) => seen.split(' ').includes(n)) ? true : undefined;
  });
  if (!ok) throw new Error(`standbys did not stream from ${primary.name} within 30s (streaming: "${seen}")`);
}

export async function configureNode(node: LabNodeLayout, pg: LabPostgres, initial: boolean): Promise<void> {
  await writeOwned(node, pg.confPath, labPostgresqlConf(node, pg));
  await writeOwned(node, pg.hbaPath, labPgHba(node));
  // The base backup copies postgresql.conf with the include already in it; the
  // absolute path resolves to each node's own file.
  if (initial) await appendFile(hostPathOf(node.name, join(pg.pgdata, 'postgresql.conf')), `\ninclude '${pg.confPath}'\n`);
}

export async function writeOwned(node: LabNodeLayout, insidePath: string, text: string): Promise<void> {
  const path = hostPathOf(node.name, insidePath);
  await writeFile(path, text, { mode: 0o600 });
  const pgUser = await userInfo('postgres');
  await chown(path, pgUser.uid, pgUser.gid);
}

export async function pgCtl(node: LabNodeLayout, pg: LabPostgres, action: 'start' | 'stop'): Promise<void> {
  const args = action === 'start' ? ['start', '-D', pg.pgdata, '-w', '-t', '60', '-l', PG_LOGFILE] : ['stop', '-D', pg.pgdata, '-m', 'fast', '-w', '-t', '60'];
  await runInNodeChecked(node.name, [join(pg.bindir, 'pg_ctl'), ...args], { user: 'postgres', timeoutMs: 70_000 });
}
