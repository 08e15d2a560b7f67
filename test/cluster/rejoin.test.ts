import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sqlOnNode } from '../../src/lab/cluster-ops.js';
import { waitForCluster, waitForStreaming } from '../../src/lab/cluster-query.js';
import { blockReplication } from '../../src/lab/faults.js';
import { labNodes, labPowerOff, labPowerOn } from '../../src/lab/power.js';
import { bringLabDown, bringLabUp, currentPrimary, log, restoreHealthy } from './harness.js';

const ARCHIVE = '/var/lib/pgha/rewind-archive';

/**
 * Issue 4 in a real cluster: the primary writes rows no standby receives,
 * crashes and is fenced; a standby takes over. When the old primary's node
 * comes back, nobody touches it: Pacemaker finds a crashed primary, the agent
 * sees its history forked from the new primary's, keeps the WAL it is about
 * to discard, rewinds it and starts it streaming.
 */
describe('a diverged old primary rejoins by itself', { timeout: 10 * 60_000 }, () => {
  before(async () => bringLabUp(3), { timeout: 6 * 60_000 });
  after(async () => bringLabDown(), { timeout: 60_000 });

  it('is rewound, streams from the new primary, and the discarded WAL is archived', { timeout: 300_000 }, async () => {
    await restoreHealthy();
    const oldPrimary = await currentPrimary();
    const standbys = (await labNodes()).filter((n) => n !== oldPrimary);
    const archivesBefore = new Set(await readdir(ARCHIVE).catch(() => [] as string[]));
    await sqlOnNode(oldPrimary, 'CREATE TABLE IF NOT EXISTS rejoin_probe (n int)');
    await waitForStreaming(oldPrimary, await labNodes(), 30_000);
    const replicated = Number(await sqlOnNode(oldPrimary, 'SELECT count(*) FROM rejoin_probe'));
    for (const standby of standbys) await blockReplication(standby, true);
    try {
      await sqlOnNode(oldPrimary, 'INSERT INTO rejoin_probe SELECT generate_series(1, 1000)');
      log(`1000 rows written on ${oldPrimary} that no standby receives; crashing it`);
      await labPowerOff(oldPrimary);
    } finally {
      for (const standby of standbys) await blockReplication(standby, false);
    }
    const failover = await waitForCluster('a new primary with the VIP', 90_000, (s) => s.promoted.length === 1 && s.promoted[0] !== oldPrimary && s.vip[0] === s.promoted[0]);
    const newPrimary = failover.promoted[0]!;

    log(`${newPrimary} is primary; booting ${oldPrimary} again, untouched`);
    await labPowerOn(oldPrimary);
    await waitForStreaming(newPrimary, await labNodes(), 180_000);
    assert.equal(Number(await sqlOnNode(newPrimary, 'SELECT count(*) FROM rejoin_probe')), replicated, 'the unreplicated rows never reached the new primary');
    assert.equal(Number(await sqlOnNode(oldPrimary, 'SELECT count(*) FROM rejoin_probe')), replicated, 'the rejoined node follows the new history');

    const fresh = (await readdir(ARCHIVE)).filter((d) => !archivesBefore.has(d) && d.startsWith(`${oldPrimary}-`));
    assert.equal(fresh.length, 1, `one rewind archive for ${oldPrimary} (${fresh.join(', ')})`);
    const manifest = JSON.parse(await readFile(join(ARCHIVE, fresh[0]!, 'manifest.json'), 'utf8'));
    log(`rewind archive manifest: ${JSON.stringify(manifest)}`);
    assert.equal(manifest.action, 'rewind');
    assert.equal(manifest.copied, true, 'the discarded WAL was copied');
    assert.ok(manifest.forkLsn && manifest.discardedRange?.from && manifest.discardedRange?.to, 'fork point and discarded range recorded');
    assert.ok(manifest.newTimeline > manifest.forkTimeline || manifest.newTimeline > manifest.localTimeline);
    await restoreHealthy();
  });
});
