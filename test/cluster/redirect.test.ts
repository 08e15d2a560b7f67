import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { blockReplication, nodeProcessesMatching } from '../../src/lab/faults.js';
import { labNodes, labPowerOff } from '../../src/lab/power.js';
import { sqlOnNode } from '../../src/lab/cluster-ops.js';
import { waitForCluster, waitForNewPrimary, waitForStreaming } from '../../src/lab/cluster-query.js';
import { pacemakerLogLines } from '../../src/lab/pacemaker-log.js';
import { runInNode, runInNodeChecked } from '../../src/lab/node-exec.js';
import { CLONE, RESOURCE } from '../../src/lab/cib-commands.js';
import { parseCrmMon, type MonFailure } from '../../src/pacemaker/crm-mon.js';
import { bringLabDown, bringLabUp, log, pghaInNode, sleep, waitFor, waitHealthy } from './harness.js';
import { makeLag, runWithWriter } from './scenario.js';

/** Issue 22: a promotion the election redirects leaves no failed action, no fail count, and switchover runs at once. */

async function failures(from: string): Promise<MonFailure[]> {
  const result = await runInNodeChecked(from, ['crm_mon', '--output-as=xml'], { timeoutMs: 15_000 });
  return (await parseCrmMon(result.stdout)).failures;
}

/** A node attribute of reboot lifetime ('' when unset). */
async function nodeAttribute(from: string, node: string, name: string): Promise<string> {
  const r = await runInNode(from, ['crm_attribute', '--lifetime', 'reboot', '--node', node, '--name', name, '--query', '--quiet'], { timeoutMs: 10_000 });
  return r.exitCode === 0 ? r.stdout.trim() : '';
}

const promoteFailCount = (from: string, node: string) => nodeAttribute(from, node, `fail-count-${RESOURCE}#promote_0`);
const promotionScore = (from: string, node: string) => nodeAttribute(from, node, `master-${RESOURCE}`);

/** The scheduler's first choice: the highest promotion score, set the way the agent's own scores are. */
async function makeSchedulerChoose(from: string, node: string): Promise<void> {
  await runInNodeChecked(from, ['crm_attribute', '--lifetime', 'reboot', '--node', node, '--name', `master-${RESOURCE}`, '--update', '2000']);
}

/** Redirected promotes since `since`: the executing node's controller logs each result once. */
async function redirectsSince(since: number): Promise<number> {
  let redirects = 0;
  for (const node of await labNodes()) {
    redirects += (await pacemakerLogLines(node, new RegExp(`Result of promote operation for ${RESOURCE} on ${node}: error \\(promotion redirected to`), since)).length;
  }
  return redirects;
}

/**
 * After the scheduler chose a lagging standby: its promote was redirected, and within a few
 * monitor intervals no failed action and no fail count remain, with nothing cleaned by the test.
 */
async function expectNothingLeft(what: string, from: string, chosen: string, since: number): Promise<void> {
  const redirects = await redirectsSince(since);
  log(`MEASURE ${what}: ${redirects} redirected promote(s)`);
  assert.ok(redirects > 0, `${chosen}'s promote was redirected (the case under test)`);
  let last: MonFailure[] = [];
  let count = '';
  await waitFor('no failed action and no fail count', 90_000, async () => {
    [last, count] = [await failures(from), await promoteFailCount(from, chosen)];
    return last.length === 0 && count === '';
  }, 1_000).catch((error: unknown) => {
    throw new Error(`${error instanceof Error ? error.message : String(error)}: failures ${JSON.stringify(last)}, promote fail count "${count}"`);
  });
  // The agent's own crm_resource --cleanup (the controller logs it; a monitor's output is not logged).
  let cleared = 0;
  for (const node of await labNodes()) cleared += (await pacemakerLogLines(node, new RegExp(`Clearing resource history for ${RESOURCE} on ${chosen}\\b`), since)).length;
  assert.ok(cleared > 0, `the failed promote on ${chosen} was cleared`);
}

async function switchoverTo(from: string, target: string): Promise<void> {
  const r = await pghaInNode(from, ['switchover', '--to', target], 180_000);
  log(`pgha switchover --to ${target}: exit ${r.exitCode}\n${r.stdout}${r.stderr}`);
  assert.equal(r.exitCode, 0, `pgha switchover --to ${target} runs at once: ${r.stdout}${r.stderr}`);
}

async function setCloneRole(from: string, role: 'Stopped' | 'Started'): Promise<void> {
  await runInNodeChecked(from, ['crm_resource', '--resource', CLONE, '--meta', '--set-parameter', 'target-role', '--parameter-value', role], { timeoutMs: 30_000 });
}

describe('a redirected promotion is not a failure (lab)', { timeout: 20 * 60_000 }, () => {
  before(async () => bringLabUp(3), { timeout: 6 * 60_000 });
  after(async () => bringLabDown(), { timeout: 60_000 });

  it('cluster start: the scheduler chooses a lagging standby; the promotion is redirected, nothing is left, switchover runs at once', { timeout: 6 * 60_000 }, async () => {
    const primary = (await waitHealthy(120_000)).promoted[0]!;
    const [behind, ahead] = (await labNodes()).filter((n) => n !== primary).sort();
    await blockReplication(behind!, true);
    try {
      await sqlOnNode(primary, 'CREATE TABLE IF NOT EXISTS redirect_start (n int); INSERT INTO redirect_start SELECT generate_series(1, 1000)');
      await setCloneRole(primary, 'Stopped');
      await waitForCluster('every instance stopped', 120_000, (s) => s.promoted.length === 0 && s.unpromoted.length === 0);
      // Each stop deletes its node's score, the last one once it has ended.
      await waitFor('every stop ended (no promotion score left)', 60_000, async () => {
        for (const node of await labNodes()) if ((await promotionScore(ahead!, node)) !== '') return false;
        return true;
      }, 500);
      await makeSchedulerChoose(ahead!, behind!);
    } finally {
      await blockReplication(behind!, false);
    }
    const startedAt = Date.now();
    await setCloneRole(ahead!, 'Started');
    const status = await waitForCluster('a primary with the VIP', 120_000, (s) => s.promoted.length === 1 && s.vip[0] === s.promoted[0]);
    const newPrimary = status.promoted[0]!;
    log(`MEASURE cluster start: ${newPrimary} promoted with the VIP ${Date.now() - startedAt} ms after the start was asked`);
    assert.notEqual(newPrimary, behind, `the lagging ${behind} is not promoted`);
    await expectNothingLeft('cluster start', newPrimary, behind!, startedAt);
    await waitForStreaming(newPrimary, await labNodes(), 60_000);
    await switchoverTo(newPrimary, behind!);
  });

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
