import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ok, fixture, fixtureRunner } from '../pacemaker/fixtures.js';
import type { MonFailure } from '../../../src/pacemaker/crm-mon.js';
import { decideResidue, genuineFailures, isRedirectResidue, redirectReason, redirectTarget, type ResidueInput } from '../../../src/election/redirect-residue.js';
import { formatStatus } from '../../../src/cli/status/status-format.js';
import { takeSnapshot } from '../../../src/cli/status/status-gather.js';
import { checkSwitchover } from '../../../src/cli/switchover/switchover-plan.js';
import type { PgProbe, PgTarget } from '../../../src/pg/pg-probe.js';

const failure = (over: Partial<MonFailure> = {}): MonFailure => ({
  resourceId: 'pgsqld', opKey: 'pgsqld_promote_0', task: 'promote', intervalMs: 0, node: 'node3', exitStatus: 'error',
  exitReason: redirectReason('node1', 'node1 is ahead (1#0/40000A0 > 1#0/4000000)'), exitCode: 1, ...over,
});

test('a redirect is recognised by its exit reason on a promote, whatever Pacemaker cut from the end', () => {
  assert.equal(redirectTarget(failure()), 'node1');
  assert.equal(redirectTarget(failure({ exitReason: 'promotion redirected to node-2.example: node-2.example is not in the synchronous set' })), 'node-2.example');
  assert.equal(redirectTarget(failure({ exitReason: 'promotion redirected to node1' })), 'node1', 'the reason cut right after the target');
  assert.ok(!isRedirectResidue(failure({ exitReason: 'promotion failed: connection refused' })), 'a real promote failure');
  assert.ok(!isRedirectResidue(failure({ exitReason: 'switchover cancelled: node1 is ahead (…), its shutdown checkpoint never reached node3' })), 'a cancelled switchover is for the operator');
  assert.ok(!isRedirectResidue(failure({ task: 'monitor', intervalMs: 15_000 })), 'only a promote');
  assert.ok(!isRedirectResidue(failure({ exitReason: 'promotion redirected to ' })), 'no target named');
  assert.equal(Buffer.byteLength(redirectReason('n'.repeat(60), 'x'.repeat(200))) > 128 && redirectTarget(failure({ exitReason: redirectReason('n'.repeat(60), 'x'.repeat(200)).slice(0, 125) })), 'n'.repeat(60));
  assert.deepEqual(genuineFailures([failure(), failure({ node: 'node2', exitReason: 'promotion failed: timeout' })]).map((f) => f.node), ['node2']);
});

const input = (over: Partial<ResidueInput> = {}): ResidueInput => ({ pending: { at: 1, count: 1 }, failure: failure(), failCount: 1, otherFailures: [], promoted: true, idle: true, ...over });

test('the redirecting node clears its residue only once a node is promoted and no transition runs', () => {
  assert.deepEqual(decideResidue(input()), { action: 'clear' });
  assert.equal(decideResidue(input({ promoted: false })).action, 'wait');
  assert.equal(decideResidue(input({ idle: false })).action, 'wait');
  assert.deepEqual(decideResidue(input({ failCount: 0 })), { action: 'clear' }, 'a fail count expired by failure-timeout: the record alone is cleared');
  assert.deepEqual(decideResidue(input({ pending: { at: 1, count: 2 }, failCount: 2 })), { action: 'clear' }, 'two redirects before a clean-up');
});

test('a real promote failure is never cleared, even with a redirect remembered', () => {
  const real = decideResidue(input({ failure: failure({ exitReason: 'still in recovery 1 s before the promote timeout, after pg_promote' }) }));
  assert.equal(real.action, 'forget', 'a later real failure replaced the redirect record');
  const counted = decideResidue(input({ failCount: 2 }));
  assert.equal(counted.action, 'forget', 'a real failure counted with the redirect');
  assert.match(counted.action === 'forget' ? counted.why : '', /fail count 2 exceeds the 1 redirect/);
  assert.equal(decideResidue(input({ failure: undefined })).action, 'done', 'cleaned up already');
  const monitor = failure({ opKey: 'pgsqld_monitor_16000', task: 'monitor', intervalMs: 16_000, exitReason: 'replication is not streaming' });
  assert.equal(decideResidue(input({ otherFailures: [monitor] })).action, 'wait', "the clean-up would erase another failure's record");
});

const ADDR: Record<string, string> = { '10.20.0.11': 'node1', '10.20.0.12': 'node2', '10.20.0.13': 'node3' };
const pgs: Record<string, PgProbe> = {
  node1: { reachable: true, inRecovery: false, timeline: 1, currentLsn: '0/5000000', replication: [
    { applicationName: 'node2', state: 'streaming', syncState: 'async', replayLsn: '0/5000000' },
    { applicationName: 'node3', state: 'streaming', syncState: 'async', replayLsn: '0/5000000' },
  ] },
  node2: { reachable: true, inRecovery: true, timeline: 1, receiveLsn: '0/5000000', replayLsn: '0/5000000', receiverStatus: 'streaming', replication: [] },
  node3: { reachable: true, inRecovery: true, timeline: 1, receiveLsn: '0/5000000', replayLsn: '0/5000000', receiverStatus: 'streaming', replication: [] },
};

async function healthyWith(failures: string) {
  const mon = fixture('healthy.crm_mon.xml').replace('  <status code="0"', `  <failures>\n${failures}\n  </failures>\n  <status code="0"`);
  const { runner } = fixtureRunner('healthy', { 'crm_mon --output-as=xml': ok('crm_mon --output-as=xml', mon) });
  const probe = async (t: PgTarget) => pgs[ADDR[t.host]!] ?? { reachable: false as const, error: 'ECONNREFUSED' };
  return takeSnapshot({ runner, probe, hosts: new Map(), pgTimeoutMs: 100 });
}
const op = (node: string, reason: string) =>
  `    <failure op_key="pgsqld_promote_0" node="${node}" exitstatus="error" exitreason="${reason}" exitcode="1" call="20" status="complete" last-rc-change="2026-12-02 05:20:01Z" queued="0" exec="90" interval="0" task="promote"/>`;

test('pgha status shows a redirect as such, and switchover does not refuse on it', async () => {
  const s = await healthyWith(op('node3', 'promotion redirected to node1: node1 is ahead (1#0/40000A0 &gt; 1#0/4000000)'));
  const node3 = s.status.nodes.find((n) => n.node === 'node3')!;
  assert.equal(node3.redirectedTo, 'node1');
  assert.equal(node3.lastFailure, undefined);
  assert.equal(s.status.failedActions, 0);
  const text = formatStatus(s.status);
  assert.match(text, /0 failed actions$/m);
  assert.match(text, /^node3\s.*\sredirected\s+fence-node3$/m);
  assert.match(text, /node3: its promote was redirected to node1, a more advanced standby \(not a failure/);
  assert.deepEqual(checkSwitchover({ status: s.status, cib: s.cib, mon: s.mon, target: 'node3', maxLagBytes: 1 << 20 }).problems, []);
});

test('a real promote failure still shows and still blocks switchover', async () => {
  const s = await healthyWith(op('node3', 'still in recovery 1 s before the promote timeout, after pg_promote'));
  assert.equal(s.status.failedActions, 1);
  assert.equal(s.status.nodes.find((n) => n.node === 'node3')!.redirectedTo, undefined);
  assert.match(formatStatus(s.status), /node3: promote failed: error \(still in recovery/);
  const { problems } = checkSwitchover({ status: s.status, cib: s.cib, mon: s.mon, target: 'node3', maxLagBytes: 1 << 20 });
  assert.equal(problems.length, 1);
  assert.match(problems[0]!, /^failed actions must be cleaned up first .*pgsqld_promote_0 on node3: error \(still in recovery/);
});
