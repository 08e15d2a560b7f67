import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { blockReplication, nodeProcessesMatching } from '../../src/lab/faults.js';
import { labNodes, labPowerOff } from '../../src/lab/power.js';
import { waitForCluster, waitForNewPrimary, waitForStreaming } from '../../src/lab/cluster-watch.js';
import { pacemakerLogLines } from '../../src/lab/pacemaker-log.js';
import { runInNodeChecked } from '../../src/lab/node-exec.js';
import { CLONE, RESOURCE } from '../../src/lab/cib-commands.js';
import type { MonFailure } from '../../src/pacemaker/crm-mon.js';
import { bringLabDown, bringLabUp, log, pghaInNode, sleep, waitFor, waitHealthy } from './harness.js';
import { makeLag, runWithWriter } from './scenario.js';
import { expectNothingLeft, failures, makeSchedulerChoose, switchoverTo } from './redirect-lab.js';

/** Issue 22: a promotion the election redirects after a failover leaves nothing behind; a real promote failure still does. */
describe('a redirected promotion is not a failure (lab)', { timeout: 20 * 60_000 }, () => {
  before(async () => bringLabUp(3), { timeout: 6 * 60_000 });
  after(async () => bringLabDown(), { timeout: 60_000 });

  it('failover: the scheduler chooses a lagging standby; the promotion is redirected, nothing is left, switchover runs at once', { timeout: 6 * 60_000 }, async () => {
    const primary = (await waitHealthy(120_000)).promoted[0]!;
    const [behind, ahead] = (await labNodes()).filter((n) => n !== primary).sort();
    try {
      const r = await runWithWriter(
        'redirected failover',
        async () => {
          await makeLag(behind!, ahead!, 2_000);
          const at = Date.now();
          await labPowerOff(primary);
          // The dead primary no longer ranks the standbys: with the top score, `behind` is chosen first.
          await makeSchedulerChoose(ahead!, behind!);
          await blockReplication(behind!, false);
          return at;
        },
        () => waitForNewPrimary(primary),
      );
      assert.equal(r.primaryAfter, ahead, `the most advanced standby (${ahead}) is promoted, not ${behind}`);
      await expectNothingLeft('failover', ahead!, behind!, r.faultAt);
    } finally {
      await blockReplication(behind!, false);
    }
    await waitForStreaming(ahead!, [ahead!, behind!], 60_000);
    await switchoverTo(ahead!, behind!);
  });

  it('a real promote failure (the promotion never ends before the timeout) is still shown and still blocks switchover', { timeout: 5 * 60_000 }, async () => {
    const status = await waitForCluster('a primary and a streaming standby', 120_000, (s) => s.promoted.length === 1 && s.unpromoted.length >= 1);
    const primary = status.promoted[0]!;
    const target = status.unpromoted[0]!;
    // The startup process replays WAL and ends recovery: stopped, the promotion cannot complete.
    const startup = await nodeProcessesMatching(target, (c) => c.startsWith('postgres: ') && c.includes('startup'));
    assert.equal(startup.length, 1, `${target} has one startup process`);
    const since = Date.now();
    process.kill(startup[0]!, 'SIGSTOP');
    let failure: MonFailure | undefined;
    try {
      await runInNodeChecked(primary, ['crm_resource', '--move', '--promoted', '--resource', CLONE, '--node', target], { timeoutMs: 30_000 });
      await waitFor(`${target}'s promote fails`, 90_000, async () => {
        failure = (await failures(primary)).find((f) => f.node === target && f.task === 'promote');
        return failure !== undefined;
      }, 500);
    } finally {
      process.kill(startup[0]!, 'SIGCONT');
    }
    log(`real promote failure on ${target}: ${JSON.stringify(failure)}`);
    assert.doesNotMatch(failure!.exitReason, /promotion redirected/);
    await runInNodeChecked(primary, ['crm_resource', '--clear', '--resource', CLONE], { timeoutMs: 30_000 });
    // Long enough for several standby monitors: the agent clears nothing it did not cause.
    await sleep(40_000);
    const from = (await waitForCluster('a primary', 120_000, (s) => s.promoted.length === 1)).promoted[0]!;
    const left = await failures(from);
    assert.ok(left.some((f) => f.node === target && f.task === 'promote'), `the real promote failure is still recorded: ${JSON.stringify(left)}`);
    const st = await pghaInNode(from, ['status', '--json'], 30_000);
    assert.ok((JSON.parse(st.stdout) as { failedActions: number }).failedActions >= 1, 'pgha status counts it');
    const sw = await pghaInNode(from, ['switchover', '--dry-run'], 60_000);
    assert.notEqual(sw.exitCode, 0);
    assert.match(`${sw.stdout}${sw.stderr}`, /failed actions must be cleaned up first/);
    for (const node of await labNodes()) {
      const cleared = await pacemakerLogLines(node, new RegExp(`Clearing resource history for ${RESOURCE} on ${target}\\b`), since);
      assert.deepEqual(cleared, [], `nothing cleared ${target}'s history (as logged on ${node})`);
    }
  });
});
