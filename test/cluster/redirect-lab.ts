import assert from 'node:assert/strict';
import { labNodes } from '../../src/lab/power.js';
import { waitForCluster } from '../../src/lab/cluster-watch.js';
import { pacemakerLogLines } from '../../src/lab/pacemaker-log.js';
import { runInNode, runInNodeChecked } from '../../src/lab/node-exec.js';
import { CLONE, RESOURCE } from '../../src/lab/cib-commands.js';
import { parseCrmMon, type MonFailure } from '../../src/pacemaker/crm-mon.js';
import { log, pghaInNode, waitFor } from './harness.js';
import { errorMessage } from '../../src/common/text.js';

/** Issue 22, shared by the lab tests of redirected promotions (redirect*.test.ts). */

export async function failures(from: string): Promise<MonFailure[]> {
  const result = await runInNodeChecked(from, ['crm_mon', '--output-as=xml'], { timeoutMs: 15_000 });
  return (await parseCrmMon(result.stdout)).failures;
}

/** A node attribute of reboot lifetime ('' when unset). */
export async function nodeAttribute(from: string, node: string, name: string): Promise<string> {
  const r = await runInNode(from, ['crm_attribute', '--lifetime', 'reboot', '--node', node, '--name', name, '--query', '--quiet'], { timeoutMs: 10_000 });
  return r.exitCode === 0 ? r.stdout.trim() : '';
}

export const promoteFailCount = (from: string, node: string) => nodeAttribute(from, node, `fail-count-${RESOURCE}#promote_0`);
export const promotionScore = (from: string, node: string) => nodeAttribute(from, node, `master-${RESOURCE}`);

/** The scheduler's first choice: the highest promotion score, set the way the agent's own scores are. */
export async function makeSchedulerChoose(from: string, node: string): Promise<void> {
  await runInNodeChecked(from, ['crm_attribute', '--lifetime', 'reboot', '--node', node, '--name', `master-${RESOURCE}`, '--update', '2000']);
}

/** Redirected promotes since `since`: the executing node's controller logs each result once. */
export async function redirectsSince(since: number): Promise<number> {
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
export async function expectNothingLeft(what: string, from: string, chosen: string, since: number): Promise<void> {
  const redirects = await redirectsSince(since);
  log(`MEASURE ${what}: ${redirects} redirected promote(s)`);
  assert.ok(redirects > 0, `${chosen}'s promote was redirected (the case under test)`);
  let last: MonFailure[] = [];
  let count = '';
  await waitFor('no failed action and no fail count', 90_000, async () => {
    [last, count] = [await failures(from), await promoteFailCount(from, chosen)];
    return last.length === 0 && count === '';
  }, 1_000).catch((error: unknown) => {
    throw new Error(`${errorMessage(error)}: failures ${JSON.stringify(last)}, promote fail count "${count}"`);
  });
  // The agent's own crm_resource --cleanup (the controller logs it; a monitor's output is not logged).
  let cleared = 0;
  for (const node of await labNodes()) cleared += (await pacemakerLogLines(node, new RegExp(`Clearing resource history for ${RESOURCE} on ${chosen}\\b`), since)).length;
  assert.ok(cleared > 0, `the failed promote on ${chosen} was cleared`);
}

export async function switchoverTo(from: string, target: string): Promise<void> {
  // Pacemaker probes the instance again once its failed promote is cleared: until that probe
  // ends, crm_mon (and so pgha switchover) shows no role for it there.
  const waited = Date.now();
  await waitForCluster(`${target} Unpromoted in crm_mon`, 60_000, (s) => s.unpromoted.includes(target) && s.promoted.length === 1);
  log(`MEASURE ${target} shown Unpromoted after ${Date.now() - waited} ms`);
  const r = await pghaInNode(from, ['switchover', '--to', target], 180_000);
  log(`pgha switchover --to ${target}: exit ${r.exitCode}\n${r.stdout}${r.stderr}`);
  assert.equal(r.exitCode, 0, `pgha switchover --to ${target} runs at once: ${r.stdout}${r.stderr}`);
}

export async function setCloneRole(from: string, role: 'Stopped' | 'Started'): Promise<void> {
  await runInNodeChecked(from, ['crm_resource', '--resource', CLONE, '--meta', '--set-parameter', 'target-role', '--parameter-value', role], { timeoutMs: 30_000 });
}
