import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sqlOnNode } from '../../src/lab/cluster-ops.js';
import { waitForCluster } from '../../src/lab/cluster-query.js';
import { killPostmaster } from '../../src/lab/faults.js';
import { labNodes, labPowerOff } from '../../src/lab/power.js';
import { runInNodeChecked } from '../../src/lab/node-exec.js';
import { RESOURCE } from '../../src/lab/cib-commands.js';
import { bringLabDown, bringLabUp, currentPrimary, log, randomDelay, restoreHealthy, sleep } from './harness.js';
import { runWithWriter } from './scenario.js';

/** sync_mode and sync_count on the live resource: reloadable, so no instance restarts. */
async function setSyncMode(mode: string, count: number): Promise<void> {
  await runInNodeChecked(await currentPrimary(), ['pcs', 'resource', 'update', RESOURCE, `sync_mode=${mode}`, `sync_count=${count}`], { timeoutMs: 60_000 });
  // The primary's next monitor (3 s) applies it; wait until PostgreSQL uses a synchronous set.
  const end = Date.now() + 30_000;
  while (Date.now() < end) {
    if ((await sqlOnNode(await currentPrimary(), 'SHOW synchronous_standby_names')).trim().startsWith('ANY')) return;
    await sleep(500);
  }
  throw new Error('synchronous_standby_names was never set');
}

/** Issue 7 in a real cluster: with sync_mode=quorum no acknowledged commit is lost by a failover. */
describe('synchronous replication managed by the agent (lab)', { timeout: 15 * 60_000 }, () => {
  before(async () => bringLabUp(3), { timeout: 6 * 60_000 });
  after(async () => bringLabDown(), { timeout: 60_000 });

  it('quorum: the primary node crashes mid-load five times, no acknowledged row is ever missing', { timeout: 8 * 60_000 }, async () => {
    await restoreHealthy();
    await setSyncMode('quorum', 1);
    for (let run = 1; run <= 5; run++) {
      await restoreHealthy();
      const primary = await currentPrimary();
      const r = await runWithWriter(
        `sync quorum crash ${run}`,
        async () => {
          await randomDelay(2_000);
          const at = Date.now();
          await labPowerOff(primary);
          return at;
        },
        async () => (await waitForCluster('a new primary with the VIP', 90_000, (s) => s.promoted.length === 1 && s.promoted[0] !== primary && s.vip[0] === s.promoted[0])).promoted[0]!,
      );
      assert.deepEqual(r.missing.map((e) => e.n), [], `run ${run}: every acknowledged row is on the new primary ${r.primaryAfter}`);
      assert.ok(r.acknowledged > 40, `run ${run}: writes flowed (${r.acknowledged})`);
    }
    await restoreHealthy();
  });

  it('quorum with sync_count=2: a dead standby is dropped from the set and writes continue within a monitor interval', { timeout: 3 * 60_000 }, async () => {
    await restoreHealthy();
    await setSyncMode('quorum', 2);
    const primary = await currentPrimary();
    const victim = (await labNodes()).find((n) => n !== primary)!;
    const r = await runWithWriter(
      'sync quorum standby kill',
      async () => {
        const at = Date.now();
        await killPostmaster(victim);
        return at;
      },
      async () => primary,
    );
    log(`writes paused ${r.outageMs} ms after ${victim}'s postmaster was killed`);
    assert.ok(r.outageMs === undefined || r.outageMs < 3_000 + 3_000, `writes continued within the 3 s monitor interval (plus margin): ${r.outageMs} ms`);
    assert.deepEqual(r.missing, []);
    await setSyncMode('off', 1);
    await restoreHealthy();
  });
});
