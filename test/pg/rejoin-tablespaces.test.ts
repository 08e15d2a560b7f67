import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run, runChecked } from '../../src/exec/run.js';
import { runAgent } from './helpers/agent.js';
import { createPair, PG_BIN, PG_MAJOR, type TestPair } from './helpers/instances.js';
import { CLI, CLONE, digest, failoverWithLostWrites, ok, sleep, sql, startPair, waitStreaming, type Act } from './helpers/rejoin.js';

/**
 * `pgha reclone` of a diverged old primary with a tablespace outside its data
 * directory. pg_basebackup writes a tablespace to the source's absolute path,
 * and so does the redo of CREATE TABLESPACE on every standby: a real cluster
 * has the same paths on every node and never maps them. One machine cannot
 * give two instances one absolute path, so node2 (the standby, then the new
 * primary and the re-clone's source) runs in its own mount namespace, where a
 * private bind mount over the tablespaces' parent directory puts another
 * directory at the same path, as a second machine would. node1, the node
 * re-cloned, stays in the test's namespace, so all that the re-clone does to
 * its tablespace is in plain view; a second namespace makes that tablespace a
 * mount point for one attempt. Simpler than a --tablespace-mapping the agent
 * would never need, and pgha's code runs as in production.
 */
let pair: TestPair | undefined;
const namespaces: { close(): void }[] = [];
after(async () => {
  for (const ns of namespaces) ns.close();
  await pair?.cleanup();
});

/**
 * A mount namespace kept by a sleeping process, where `source` is bind-mounted
 * over `target`; `enter` prefixes a command to run inside. Private
 * propagation: the mount never shows outside.
 */
async function privateMount(source: string, target: string): Promise<{ enter: string[]; close(): void }> {
  const holder = spawn('unshare', ['--mount', '--propagation', 'private', '--', 'sleep', 'infinity'], { stdio: 'ignore' });
  const ns = { enter: ['nsenter', `--target=${holder.pid}`, '--mount', '--'], close: () => holder.kill() };
  namespaces.push(ns);
  // Until unshare has made its mounts private and run sleep, a mount would land in this namespace.
  while ((await readFile(`/proc/${holder.pid}/comm`, 'utf8').catch(() => '')) !== 'sleep\n') await sleep(10);
  await runChecked(ns.enter[0]!, [...ns.enter.slice(1), 'mount', '--bind', source, target], { timeoutMs: 10_000 });
  return ns;
}

const asides = async (...dirs: string[]) => (await Promise.all(dirs.map(async (d) => (await readdir(d)).filter((n) => n.includes('.pgha-old-')).map((n) => join(d, n))))).flat();

describe(`re-clone of a node with a tablespace outside its data directory (real PostgreSQL ${PG_MAJOR})`, () => {
  it('moves the tablespace aside with the data directory, puts everything back when pg_basebackup fails, refuses a mount point untouched', async () => {
    pair = await createPair(55620);
    const { base, primary: node1, standby: node2 } = pair;
    const parent = join(base, 'tablespaces');
    const node2Parent = join(base, 'node2-tablespaces');
    // ts2, the new primary's own, is one level deeper: pg_basebackup makes two directories for it here.
    const [ts, more, ts2] = [join(parent, 'ts'), join(parent, 'more'), join(parent, 'more', 'ts2')];
    await runChecked('mkdir', ['-p', ts, join(node2Parent, 'ts'), join(node2Parent, 'more', 'ts2')], { user: 'postgres' });
    const node2Ns = await privateMount(node2Parent, parent);
    const act: Act = (action, i, extra = {}) =>
      runAgent(action, pair!.agentEnv(i, { ...CLONE, OCF_RESKEY_rewind_archive_dir: join(base, 'archive'), ...extra }), { launcher: i === node2 ? node2Ns.enter : [] });

    await startPair(act, node1, node2);
    await sql(node1, `create tablespace ts location '${ts}'`);
    await sql(node1, 'alter table t set tablespace ts');
    const [{ lsn }] = await sql(node1, 'select pg_current_wal_lsn()::text as lsn');
    while ((await sql(node2, `select pg_last_wal_replay_lsn() >= '${lsn}' as done`))[0]!.done !== true) await sleep(20);
    // A tablespace's directory is PG_<major>_<catalog version>.
    const versionDir = new RegExp(`PG_${PG_MAJOR}_`);
    assert.match((await readdir(join(node2Parent, 'ts'))).join(), versionDir, "node2's tablespace is its own directory");
    await failoverWithLostWrites(act, node1, node2, false);
    // A tablespace node1 never had, at a path where node1's host holds something else.
    await sql(node2, `create tablespace ts2 location '${ts2}'`);
    await sql(node2, 'create table t2 tablespace ts2 as select 1 as id');
    await runChecked('mkdir', ['-p', ts2], { user: 'postgres' });
    await writeFile(join(ts2, 'not-a-tablespace'), 'keep me');

    const before = { data: await digest(node1.datadir), ts: await digest(ts) };
    const unchanged = async (what: string) => {
      assert.equal(await digest(node1.datadir), before.data, `${what}: the data directory is as it was`);
      assert.equal(await digest(ts), before.ts, `${what}: the tablespace is as it was`);
      assert.deepEqual(await asides(base, parent), [], `${what}: nothing left aside`);
    };
    /** Restarts node2, the source, with max_replication_slots changed: 0 fails pg_basebackup after it made the tablespace directories. */
    const restartNode2 = async (setting: string) => {
      await sql(node2, `alter system set max_replication_slots = ${setting}`);
      const asPostgres = ['setpriv', '--reuid', 'postgres', '--regid', 'postgres', '--init-groups', '--'];
      await runChecked(node2Ns.enter[0]!, [...node2Ns.enter.slice(1), ...asPostgres, `${PG_BIN}/pg_ctl`, 'restart', '-D', node2.datadir, '-m', 'fast', '-w', '-l', join(base, 'node2.log')], { timeoutMs: 60_000 });
    };
    const reclone = (...extra: string[]) =>
      ['reclone', '--pgdata', node1.datadir, '--bindir', PG_BIN, '--node', 'node1', '--archive-dir', join(base, 'archive'), '--yes', ...extra];

    const dry = await run(process.execPath, [CLI, ...reclone('--dry-run')], { timeoutMs: 60_000 });
    assert.equal(dry.exitCode, 0, dry.stderr);
    assert.match(dry.stdout, new RegExp(`would move the data directory ${node1.datadir} aside to ${node1.datadir}\\.pgha-old-\\S+ and recreate it empty`));
    assert.match(dry.stdout, new RegExp(`would move the tablespace \\d+ ${ts} aside to ${ts}\\.pgha-old-\\S+ and recreate it empty`));
    await unchanged('dry run');

    const tsMounted = await privateMount(ts, ts);
    const refused = await run(tsMounted.enter[0]!, [...tsMounted.enter.slice(1), process.execPath, CLI, ...reclone()], { timeoutMs: 60_000 });
    tsMounted.close();
    assert.notEqual(refused.exitCode, 0);
    assert.match(refused.stderr, new RegExp(`the tablespace \\d+ ${ts} is a mount point, which cannot be renamed aside; nothing was changed: .*leave it empty, then run "pgha reclone"`));
    await unchanged('mount point');

    const failed = await run(process.execPath, [CLI, ...reclone()], { timeoutMs: 60_000 });
    assert.notEqual(failed.exitCode, 0);
    assert.match(failed.stderr, new RegExp(`pg_basebackup failed: directory "${ts2}" exists but is not empty`));
    await unchanged('pg_basebackup refused a directory');
    assert.equal(await readFile(join(ts2, 'not-a-tablespace'), 'utf8'), 'keep me', 'what the re-clone did not make stays');

    await rm(more, { recursive: true });
    await restartNode2('0');
    const late = await run(process.execPath, [CLI, ...reclone()], { timeoutMs: 60_000 });
    assert.notEqual(late.exitCode, 0);
    assert.match(late.stderr, /pg_basebackup failed: .*CREATE_REPLICATION_SLOT.*all replication slots are in use/);
    await unchanged('pg_basebackup failed late');
    assert.equal(await stat(more).catch(() => undefined), undefined, 'the directories pg_basebackup made for ts2 are gone');
    await restartNode2('default');

    const done = await run(process.execPath, [CLI, ...reclone()], { timeoutMs: 120_000 });
    assert.equal(done.exitCode, 0, done.stderr);
    const [dataAside] = await asides(base);
    const [tsAside] = await asides(parent);
    assert.match(done.stdout, new RegExp(`old data directory ${node1.datadir} kept in ${dataAside}\n`));
    assert.match(done.stdout, new RegExp(`old tablespace \\d+ ${ts} kept in ${tsAside}\n`));
    assert.equal(await digest(dataAside!), before.data, 'the old data directory is kept as it was');
    assert.equal(await digest(tsAside!), before.ts, 'the old tablespace is kept as it was');
    const recreated = await stat(ts);
    assert.deepEqual([recreated.uid, recreated.mode & 0o777], [(await stat(tsAside!)).uid, 0o700]);
    assert.match((await readdir(ts2)).join(), versionDir, 'pg_basebackup created the tablespace node1 did not have');

    await ok(act('start', node1));
    await waitStreaming(node2, node1);
    assert.deepEqual(await sql(node1, "select what, count(*)::int as n from t group by what order by what"), [
      { what: 'after failover', n: 1 },
      { what: 'replicated', n: 1 },
    ]);
    assert.deepEqual(await sql(node1, 'select id from t2'), [{ id: 1 }]);
  });
});
