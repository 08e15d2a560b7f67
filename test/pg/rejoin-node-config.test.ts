import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { appendFile, chmod, chown, link, mkdir, readdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OCF } from '../../src/ocf/exit-codes.js';
import { runAgent } from './helpers/agent.js';
import { createPair, PG_MAJOR, type TestInstance, type TestPair } from './helpers/instances.js';
import { CLONE, digest, failoverWithLostWrites, ok, sql, startPair, waitStreaming, type Act } from './helpers/rejoin.js';

/**
 * A rewind keeps every configuration file of the node that lives in its data
 * directory, byte for byte: included files, include_dir files, @file lists
 * of pg_hba.conf, ALTER SYSTEM's postgresql.auto.conf; a file the source has
 * and the node had not is moved into the evidence archive; files outside the
 * data directory (Debian's layout) are not touched at all.
 */
const pairs: TestPair[] = [];
after(async () => {
  for (const pair of pairs) await pair.cleanup();
});

const owner = async (path: string) => {
  const info = await stat(path);
  return [info.uid, info.gid] as const;
};
async function writeOwned(path: string, content: string): Promise<void> {
  await writeFile(path, content);
  await chown(path, ...(await owner(join(path, '..'))));
}

/** RHEL's layout plus per-node includes: primary_conninfo in node.conf, a conf.d with a per-node file, an @file in pg_hba.conf. */
async function includeLayout(i: TestInstance, other: TestInstance): Promise<void> {
  await appendFile(join(i.datadir, 'postgresql.conf'), "include 'node.conf'\ninclude_dir 'conf.d'\n");
  await writeOwned(join(i.datadir, 'node.conf'), `# ${i.node}'s own\nprimary_conninfo = 'host=${other.socketDir} port=${other.port} user=postgres application_name=${i.node}'\n`);
  await mkdir(join(i.datadir, 'conf.d'));
  await chown(join(i.datadir, 'conf.d'), ...(await owner(i.datadir)));
  await writeOwned(join(i.datadir, 'conf.d', '00-common.conf'), `# common, edited on ${i.node}\nlog_line_prefix = '${i.node} '\n`);
  await writeOwned(join(i.datadir, 'conf.d', `10-${i.node}.conf`), `cluster_name = '${i.node}'\n`);
  await appendFile(join(i.datadir, 'pg_hba.conf'), 'host all @blocked-users 192.0.2.0/24 reject\n');
  await writeOwned(join(i.datadir, 'blocked-users'), `nobody_on_${i.node}\n`);
}

/** pg_rewind on a machine shared with other test runs can take more than the usual 30 s. */
const SLOW_MACHINE = { OCF_RESKEY_CRM_meta_timeout: '120000' };

const CONFIG_NAMES = ['postgresql.conf', 'postgresql.auto.conf', 'pg_hba.conf', 'pg_ident.conf', 'node.conf', 'blocked-users', 'conf.d/00-common.conf', 'conf.d/10-node1.conf'];
const contents = async (dir: string, names: readonly string[]) => Promise.all(names.map(async (n) => [n, await readFile(join(dir, n), 'utf8')] as const));

/** A pair in the include layout, started (node1 primary, node2 streaming), with the agent acting on it. */
async function includeLayoutPair(port: number): Promise<{ pair: TestPair; act: Act; archive: string }> {
  const pair = await createPair(port);
  pairs.push(pair);
  const { primary: node1, standby: node2 } = pair;
  await includeLayout(node1, node2);
  await includeLayout(node2, node1);
  const archive = join(pair.base, 'archive');
  const act: Act = (action, i, extra = {}) => runAgent(action, pair.agentEnv(i, { ...CLONE, ...SLOW_MACHINE, OCF_RESKEY_rewind_archive_dir: archive, ...extra }), { timeoutMs: 150_000 });
  await startPair(act, node1, node2);
  return { pair, act, archive };
}

describe(`rewind keeps the node's own configuration (real PostgreSQL ${PG_MAJOR})`, () => {
  it('include files, include_dir, @file, ALTER SYSTEM: byte for byte after the rewind; the source\'s own conf.d file goes to the archive', async () => {
    const { pair, act, archive } = await includeLayoutPair(55500);
    const { primary: node1, standby: node2 } = pair;
    await sql(node1, "alter system set work_mem = '5MB'");
    await sql(node2, "alter system set work_mem = '7MB'");
    const before = await contents(node1.datadir, CONFIG_NAMES);
    await failoverWithLostWrites(act, node1, node2, true);
    const started = await ok(act('start', node1));
    assert.match(started.stderr, /rejoined by rewind/);
    assert.match(started.stderr, /moved to .*from-source.*10-node2\.conf/);
    await waitStreaming(node2, node1);
    assert.deepEqual(await contents(node1.datadir, CONFIG_NAMES), before, "node1's files are its own again");
    assert.deepEqual(await readdir(join(node1.datadir, 'conf.d')), ['00-common.conf', '10-node1.conf'], "node2's per-node file is not read by node1");
    assert.deepEqual(await sql(node1, "select current_setting('work_mem') as w, current_setting('cluster_name') as c"), [{ w: '5MB', c: 'node1' }]);
    const evidence = await readdir(archive);
    assert.equal(evidence.length, 1, 'one evidence directory: the discarded WAL and the node configuration');
    const copies = join(archive, evidence[0]!, 'node-config');
    assert.deepEqual(await contents(copies, CONFIG_NAMES), before, 'a copy of every file is kept');
    assert.equal(await readFile(join(copies, 'from-source', 'conf.d', '10-node2.conf'), 'utf8'), "cluster_name = 'node2'\n");
  });

  it('Debian layout: the configuration outside the data directory is not touched, postgresql.auto.conf inside is kept', async () => {
    const pair = await createPair(55502);
    pairs.push(pair);
    const { primary: node1, standby: node2 } = pair;
    const etc = (i: TestInstance) => join(pair.base, `${i.node}-etc`);
    for (const i of [node1, node2]) {
      await mkdir(etc(i));
      await chown(etc(i), ...(await owner(i.datadir)));
      for (const name of ['postgresql.conf', 'pg_hba.conf', 'pg_ident.conf']) await rename(join(i.datadir, name), join(etc(i), name));
      await appendFile(join(etc(i), 'postgresql.conf'), `data_directory = '${i.datadir}'\nhba_file = '${etc(i)}/pg_hba.conf'\nident_file = '${etc(i)}/pg_ident.conf'\ninclude 'node.conf'\n`);
      await writeOwned(join(etc(i), 'node.conf'), `# ${i.node}\n`);
    }
    const act: Act = (action, i, extra = {}) =>
      runAgent(action, pair.agentEnv(i, { ...CLONE, ...SLOW_MACHINE, OCF_RESKEY_pgdata: etc(i), OCF_RESKEY_datadir: i.datadir, OCF_RESKEY_rewind_archive_dir: join(pair.base, 'archive'), ...extra }), { timeoutMs: 150_000 });
    await startPair(act, node1, node2);
    await sql(node1, "alter system set work_mem = '5MB'");
    await sql(node2, "alter system set work_mem = '7MB'");
    const outside = await digest(etc(node1));
    const mtimes = await Promise.all(['postgresql.conf', 'node.conf'].map(async (n) => (await stat(join(etc(node1), n))).mtimeMs));
    const auto = await readFile(join(node1.datadir, 'postgresql.auto.conf'), 'utf8');
    await failoverWithLostWrites(act, node1, node2, true);
    const started = await ok(act('start', node1));
    assert.match(started.stderr, /rejoined by rewind/);
    await waitStreaming(node2, node1);
    assert.equal(await digest(etc(node1)), outside);
    assert.deepEqual(await Promise.all(['postgresql.conf', 'node.conf'].map(async (n) => (await stat(join(etc(node1), n))).mtimeMs)), mtimes, 'not even rewritten');
    assert.equal(await readFile(join(node1.datadir, 'postgresql.auto.conf'), 'utf8'), auto);
    assert.match(auto, /work_mem = '5MB'/);
  });

  it('a node whose own configuration would fail the start checks is refused before anything changes (rc 2, with the reason)', async () => {
    const { pair, act } = await includeLayoutPair(55504);
    const { primary: node1, standby: node2 } = pair;
    await failoverWithLostWrites(act, node1, node2, true);
    // A DBA's mistake in node1's own file: the application_name of another node.
    await writeOwned(join(node1.datadir, 'node.conf'), `primary_conninfo = 'host=${node2.socketDir} port=${node2.port} user=postgres application_name=node2'\n`);
    const before = await digest(node1.datadir);
    const refused = await act('start', node1);
    assert.equal(refused.code, OCF.ERR_ARGS, refused.stderr);
    assert.match(refused.reason ?? '', /application_name=node2: it must be the Pacemaker node name, node1/);
    assert.doesNotMatch(refused.stderr, /pg_rewind|rejoined/);
    assert.equal(await digest(node1.datadir), before, 'nothing changed');
  });

  for (const plant of ['symbolic', 'hard'] as const) {
    it(`a rewind never reads or writes through a ${plant} link planted in the node's configuration: root's file stays as it was`, async () => {
      const { pair, act } = await includeLayoutPair(plant === 'symbolic' ? 55506 : 55508);
      const { primary: node1, standby: node2 } = pair;
      await failoverWithLostWrites(act, node1, node2, true);
      // What the postgres user (or COPY ... TO PROGRAM) could leave before root's rewind: the
      // node's ALTER SYSTEM file and an included file made links to a root-owned file.
      const rootFile = join(pair.base, `root-owned-${plant}`);
      await writeFile(rootFile, '# root\'s own file, valid as configuration\n');
      await chmod(rootFile, 0o644);
      for (const name of ['postgresql.auto.conf', 'node.conf']) {
        await rm(join(node1.datadir, name));
        await (plant === 'symbolic' ? symlink(rootFile, join(node1.datadir, name)) : link(rootFile, join(node1.datadir, name)));
      }
      const before = { text: await readFile(rootFile, 'utf8'), info: await stat(rootFile) };
      const result = await act('start', node1);
      const after = { text: await readFile(rootFile, 'utf8'), info: await stat(rootFile) };
      assert.equal(after.text, before.text, "root's file keeps its content");
      assert.deepEqual([after.info.uid, after.info.gid, after.info.mode, after.info.nlink], [0, 0, before.info.mode, before.info.nlink], "root's file keeps its owner and mode");
      // Refused, naming the file: by pgha (a hard link) or by pg_rewind, which runs as the postgres user (a symbolic link).
      assert.equal(result.code, OCF.ERR_GENERIC, result.stderr);
      assert.match(result.reason ?? '', plant === 'hard' ? /refusing to touch .*(node\.conf|postgresql\.auto\.conf) as root: it has 3 hard links/ : /"(postgresql\.auto\.conf|node\.conf)" is of different type/);
    });
  }
});
