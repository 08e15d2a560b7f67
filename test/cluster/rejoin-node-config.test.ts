import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, chown, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sqlOnNode } from '../../src/lab/cluster-ops.js';
import { waitForStreaming } from '../../src/lab/cluster-watch.js';
import { labPostgres } from '../../src/lab/lab-postgres.js';
import { hostPathOf } from '../../src/lab/node-fs.js';
import { VIP, PG_PORT } from '../../src/lab/layout.js';
import { labNodes, labPowerOn } from '../../src/lab/power.js';
import { divergeAndCrash } from './divergence.js';
import { bringLabDown, bringLabUp, log, waitHealthy } from './harness.js';

const ARCHIVE = '/var/lib/pgha/rewind-archive';

/** What each node gets in its data directory: primary_conninfo in an included node.conf, a conf.d with a per-node file. */
/** The node's data directory, as the host sees it. */
const dataDir = async (node: string) => hostPathOf(node, (await labPostgres()).pgdata);

async function includeLayout(node: string): Promise<void> {
  const dir = await dataDir(node);
  const { uid, gid } = await stat(dir);
  const write = async (name: string, text: string) => {
    await writeFile(join(dir, name), text, { mode: 0o600 });
    await chown(join(dir, name), uid, gid);
  };
  await appendFile(join(dir, 'postgresql.conf'), `# ${node}'s own include layout\ninclude 'node.conf'\ninclude_dir 'conf.d'\n`);
  await write('node.conf', `# ${node}\nprimary_conninfo = 'host=${VIP} port=${PG_PORT} user=postgres application_name=${node} connect_timeout=2'\n`);
  await mkdir(join(dir, 'conf.d'), { mode: 0o700 });
  await chown(join(dir, 'conf.d'), uid, gid);
  await write(join('conf.d', `10-${node}.conf`), `cluster_name = '${node}'\n`);
}

const OWN_FILES = (node: string) => ['postgresql.conf', 'postgresql.auto.conf', 'node.conf', join('conf.d', `10-${node}.conf`)];
const contents = async (node: string) => {
  const dir = await dataDir(node);
  return Promise.all(OWN_FILES(node).map((name) => readFile(join(dir, name), 'utf8')));
};

/**
 * A DBA's layout of the per-node configuration inside the data directory
 * (include file, conf.d): after a real failover the old primary's node comes
 * back untouched, is rewound by the agent, and streams by itself, with its own
 * files byte for byte.
 */
describe('rejoin keeps an include-file layout', { timeout: 12 * 60_000 }, () => {
  before(async () => bringLabUp(3), { timeout: 6 * 60_000 });
  after(async () => bringLabDown(), { timeout: 60_000 });

  it('the old primary is rewound and streams by itself; node.conf and conf.d are its own', { timeout: 300_000 }, async () => {
    const status = await waitHealthy(120_000);
    const oldPrimary = status.promoted[0]!;
    for (const node of await labNodes()) {
      await includeLayout(node);
      await sqlOnNode(node, 'SELECT pg_reload_conf()');
    }
    await sqlOnNode(oldPrimary, "ALTER SYSTEM SET work_mem = '5MB'");
    const before = await contents(oldPrimary);
    const archive = hostPathOf(oldPrimary, ARCHIVE);
    const archivesBefore = new Set(await readdir(archive).catch(() => [] as string[]));

    const { newPrimary, replicated } = await divergeAndCrash(oldPrimary);
    log(`${newPrimary} is primary; booting ${oldPrimary} again, untouched`);
    await labPowerOn(oldPrimary);
    await waitForStreaming(newPrimary, await labNodes(), 180_000);

    assert.deepEqual(await contents(oldPrimary), before, `${oldPrimary}'s own files, byte for byte`);
    assert.deepEqual(await readdir(join(await dataDir(oldPrimary), 'conf.d')), [`10-${oldPrimary}.conf`], `${newPrimary}'s conf.d file is not read by ${oldPrimary}`);
    assert.equal((await sqlOnNode(oldPrimary, "SELECT current_setting('cluster_name') || ' ' || current_setting('work_mem')")).trim(), `${oldPrimary} 5MB`);
    assert.equal(Number(await sqlOnNode(oldPrimary, 'SELECT count(*) FROM rejoin_probe')), replicated, 'the rejoined node follows the new history');
    const evidence = (await readdir(archive)).filter((d) => !archivesBefore.has(d));
    assert.equal(evidence.length, 1, 'one evidence directory: the discarded WAL and the node configuration');
    const copies = join(archive, evidence[0]!, 'node-config');
    assert.equal(await readFile(join(copies, 'node.conf'), 'utf8'), before[2]);
    assert.equal(await readFile(join(copies, 'from-source', 'conf.d', `10-${newPrimary}.conf`), 'utf8'), `cluster_name = '${newPrimary}'\n`);
  });
});
