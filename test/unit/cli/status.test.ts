import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statusReport } from '../../../src/cli/status/status.js';
import { CliError, EXIT } from '../../../src/cli/errors.js';
import { lsnDiff, parseLsn } from '../../../src/pg/lsn.js';
import type { PgProbe, PgTarget } from '../../../src/pg/pg-probe.js';
import { formatStatus } from '../../../src/cli/status/status-format.js';
import { renderTable } from '../../../src/cli/format/table.js';
import { takeSnapshot } from '../../../src/cli/status/status-gather.js';
import type { ClusterStatus } from '../../../src/cli/status/status-model.js';
import { fixture, fixtureRunner, ok } from '../pacemaker/fixtures.js';

const primary: PgProbe = {
  reachable: true, inRecovery: false, timeline: 3, currentLsn: '0/5000148',
  replication: [
    { applicationName: 'node2', clientAddr: '10.20.0.12', state: 'streaming', syncState: 'sync', replayLsn: '0/5000148' },
    { applicationName: 'walreceiver', clientAddr: '10.20.0.13', state: 'streaming', syncState: 'async', replayLsn: '0/4FFF000', replayLagSeconds: 1.25 },
  ],
};
const standby = (replayLsn: string, receiverStatus = 'streaming'): PgProbe => ({
  reachable: true, inRecovery: true, timeline: 3, receiveLsn: '0/5000148', replayLsn, receiverStatus, senderHost: '10.20.0.100', replication: [],
});

function probes(map: Record<string, PgProbe>) {
  const targets: PgTarget[] = [];
  const probe = async (target: PgTarget) => {
    targets.push(target);
    const node = { '10.20.0.11': 'node1', '10.20.0.12': 'node2', '10.20.0.13': 'node3' }[target.host] ?? target.host;
    return map[node] ?? { reachable: false as const, error: `connect ECONNREFUSED ${target.host}:${target.port}` };
  };
  return { probe, targets };
}

test('healthy cluster: one row per node joining crm_mon, the CIB and each PostgreSQL', async () => {
  const { runner } = fixtureRunner('healthy');
  const { probe, targets } = probes({ node1: primary, node2: standby('0/5000148'), node3: standby('0/4FFF000') });
  const { status } = await takeSnapshot({ runner, probe, hosts: new Map(), pgTimeoutMs: 500 });
  assert.deepEqual(targets.map((t) => `${t.user}@${t.host}:${t.port}/${t.database}`).sort(), [
    'postgres@10.20.0.11:5432/postgres', 'postgres@10.20.0.12:5432/postgres', 'postgres@10.20.0.13:5432/postgres',
  ]);
  assert.equal(status.resource, 'pgsqld');
  assert.equal(status.clone, 'pgsqld-clone');
  assert.equal(status.stonithEnabled, true);
  const [n1, n2, n3] = status.nodes;
  assert.deepEqual(n1, {
    node: 'node1', address: '10.20.0.11', pacemaker: 'online', role: 'Promoted', postgres: 'primary', timeline: 3,
    currentLsn: '0/5000148', syncMember: false, fencing: ['fence-node1'], promotionScore: '1001',
  });
  assert.deepEqual(
    [n2!.role, n2!.postgres, n2!.lagBytes, n2!.lagSeconds, n2!.syncState, n2!.promotionScore],
    ['Unpromoted', 'streaming', 0, 0, 'sync', '1000'],
  );
  // node3 is matched by client address (its application_name is the default "walreceiver").
  assert.deepEqual([n3!.lagBytes, n3!.lagSeconds, n3!.syncState, n3!.receiveLsn, n3!.replayLsn], [0x1148, 1.25, 'async', '0/5000148', '0/4FFF000']);
  const text = formatStatus(status);
  assert.deepEqual([status.syncMode, status.syncCount, status.publishedSet, status.syncWarnings], ['off', 1, { quorum: 0, members: [] }, []]);
  assert.match(text, /^resource pgsqld \(clone pgsqld-clone\), DC none, fencing enabled, 0 failed actions\nsync_mode off\n\n/);
  assert.match(text, /^NODE\s+PACEMAKER\s+ROLE\s+POSTGRESQL\s+TL\s+LSN \(RECEIVE\/REPLAY\)\s+LAG\s+SYNC\s+SCORE\s+FAILURE\s+FENCING$/m);
  assert.match(text, /^node1\s+online\s+Promoted\s+primary\s+3\s+0\/5000148\s+-\s+-\s+1001\s+-\s+fence-node1$/m);
  assert.match(text, /^node3\s+online\s+Unpromoted\s+streaming\s+3\s+0\/5000148 \/ 0\/4FFF000\s+4\.3 KiB, 1\.3s\s+async\s+990\s+-\s+fence-node3$/m);
});

test('degraded cluster: unreachable PostgreSQL is a row with its reason; failure with exit reason; --host wins', async () => {
  const { runner, calls } = fixtureRunner('degraded');
  const { probe, targets } = probes({ node1: { ...primary, replication: [] }, node3: standby('0/4000000', 'waiting') });
  const hosts = new Map([['node2', '10.20.0.12'], ['node1', '10.20.0.11'], ['node3', '10.20.0.13']]);
  const { status } = await takeSnapshot({ runner, probe, hosts, pgTimeoutMs: 500 });
  assert.ok(!calls.includes('corosync-cmapctl -b nodelist.node'), 'all addresses given: corosync not asked');
  assert.equal(targets.length, 3);
  const [, n2, n3] = status.nodes;
  assert.deepEqual([n2!.pacemaker, n2!.role, n2!.postgres, n2!.postgresDetail], ['standby', 'Stopped', 'unreachable', 'connect ECONNREFUSED 10.20.0.12:5432']);
  assert.deepEqual([n3!.postgres, n3!.postgresDetail, n3!.lagBytes, n3!.syncState, n3!.promotionScore], ['standby', 'WAL receiver waiting', 0x1000148, undefined, '-1000']);
  assert.deepEqual(n3!.lastFailure && { ...n3!.lastFailure, when: undefined }, {
    operation: 'monitor (4s)', exitStatus: 'error', exitReason: 'replication is not streaming from the primary', when: undefined,
  });
  assert.equal(status.failedActions, 1);
  const text = formatStatus(status);
  assert.match(text, /^ {2}node3: monitor \(4s\) failed: error \(replication is not streaming from the primary\) at /m);
  assert.match(text, /^node2\s+standby\s+Stopped\s+unreachable\s+-\s+-\s+-\s+-\s+1000\s+-\s+fence-node2$/m);
  assert.match(text, /^  node2: connect ECONNREFUSED 10\.20\.0\.12:5432$/m);
  assert.match(text, /1 failed action$/m);
});

test('failover: old primary offline and unreachable, new primary on node2', async () => {
  const { runner } = fixtureRunner('failover');
  const { probe } = probes({ node2: { ...primary, timeline: 4 }, node3: standby('0/5000148') });
  const { status } = await takeSnapshot({ runner, probe, hosts: new Map(), pgTimeoutMs: 500 });
  assert.deepEqual(status.nodes.map((n) => [n.node, n.pacemaker, n.role, n.postgres]), [
    ['node1', 'offline', 'Stopped', 'unreachable'], ['node2', 'online', 'Promoted', 'primary'], ['node3', 'online', 'Unpromoted', 'streaming'],
  ]);
  assert.equal(status.nodes[2]!.lagBytes, 0);
  assert.doesNotThrow(() => JSON.parse(JSON.stringify(status)));
});

test('cluster not running → EXIT.UNREACHABLE; permission denied → EXIT.PERMISSION', async () => {
  const notRunning = `<pacemaker-result api-version="2.25" request="crm_mon --output-as=xml">
  <status code="102" message="Not connected"><errors><error>crm_mon: Connection to cluster failed: Connection refused</error></errors></status>
</pacemaker-result>`;
  const down = fixtureRunner('healthy', { 'crm_mon --output-as=xml': { command: 'crm_mon --output-as=xml', exitCode: 102, stdout: notRunning, stderr: '', timedOut: false } });
  const { probe } = probes({});
  await assert.rejects(takeSnapshot({ runner: down.runner, probe, hosts: new Map(), pgTimeoutMs: 500 }), (e: unknown) => {
    assert.ok(e instanceof CliError);
    assert.equal(e.exitCode, EXIT.UNREACHABLE);
    assert.match(e.message, /^the cluster is not running on this node \(crm_mon: Not connected; crm_mon: Connection to cluster failed/);
    return true;
  });
  const denied = fixtureRunner('healthy', { 'cibadmin -Q': { command: 'cibadmin -Q', exitCode: 13, stdout: '', stderr: 'Could not connect to the CIB: Permission denied', timedOut: false } });
  await assert.rejects(takeSnapshot({ runner: denied.runner, probe, hosts: new Map(), pgTimeoutMs: 500 }), (e: unknown) =>
    e instanceof CliError && e.exitCode === EXIT.PERMISSION && /haclient/.test(e.message));
  const missing = fixtureRunner('healthy');
  await assert.rejects(takeSnapshot({ runner: missing.runner, probe, resource: 'nope', hosts: new Map(), pgTimeoutMs: 500 }), (e: unknown) =>
    e instanceof CliError && e.exitCode === EXIT.FAILED && /named nope/.test(e.message));
});

// sync fixture: sync_mode=quorum, sync_count=2, and the agent on node1 published "1:node2".
const syncPrimary = (...rows: [node: string, syncState: string][]): PgProbe => ({
  ...primary,
  replication: rows.map(([node, syncState]) => ({ applicationName: node, state: 'streaming', syncState, replayLsn: '0/5000148' })),
});
const withPublishedSet = (value: string) =>
  fixtureRunner('sync', { 'cibadmin -Q': ok('cibadmin -Q', fixture('sync.cib.xml').replace('value="1:node2"', `value="${value}"`)) });

test('sync_mode on: the published set and its members; a standby streaming outside it is called out, in text and JSON', async () => {
  const { runner } = fixtureRunner('sync');
  const { probe } = probes({ node1: syncPrimary(['node2', 'quorum'], ['node3', 'async']), node2: standby('0/5000148'), node3: standby('0/5000148') });
  const { status } = await takeSnapshot({ runner, probe, hosts: new Map(), pgTimeoutMs: 500 });
  assert.deepEqual([status.syncMode, status.syncCount, status.publishedSet], ['quorum', 2, { quorum: 1, members: ['node2'] }]);
  assert.deepEqual(status.nodes.map((n) => [n.node, n.syncState, n.syncMember]), [['node1', undefined, false], ['node2', 'quorum', true], ['node3', 'async', false]]);
  assert.deepEqual(status.syncWarnings, [{ kind: 'streaming-outside-set', node: 'node3' }]);
  const text = formatStatus(status);
  assert.match(text, /^sync_mode quorum, sync_count 2, synchronous set \(\*\) ANY 1 \("node2"\)$/m);
  assert.match(text, /^node2\s+online\s+Unpromoted\s+streaming\s+.*\s+quorum\*\s+1000\s/m);
  assert.match(text, /^node3\s+online\s+Unpromoted\s+streaming\s+.*\s+async\s+990\s/m);
  assert.match(text, /\n\n  WARNING: node3 streams outside the synchronous set: writes do not wait for it, and it cannot be promoted\n$/);
  const report = await statusReport({ runner, probe, hosts: new Map(), pgTimeoutMs: 500 }, true);
  assert.equal(report.reachable, true);
  const json = JSON.parse(report.text) as ClusterStatus;
  assert.deepEqual(
    [json.syncMode, json.syncCount, json.publishedSet, json.syncWarnings, json.nodes.map((n) => n.syncMember)],
    ['quorum', 2, { quorum: 1, members: ['node2'] }, [{ kind: 'streaming-outside-set', node: 'node3' }], [false, true, false]],
  );
});

test('sync_mode on: a member that does not stream is called out; without a primary, nothing is', async () => {
  const { runner } = fixtureRunner('sync');
  const down = probes({ node1: syncPrimary(['node3', 'quorum']), node3: standby('0/5000148') });
  const { status } = await takeSnapshot({ runner, probe: down.probe, hosts: new Map(), pgTimeoutMs: 500 });
  assert.deepEqual(status.syncWarnings, [{ kind: 'member-not-streaming', node: 'node2' }, { kind: 'streaming-outside-set', node: 'node3' }]);
  const text = formatStatus(status);
  assert.match(text, /^node2\s+online\s+Unpromoted\s+unreachable\s+-\s+-\s+-\s+-\*\s+1000\s/m);
  assert.match(text, /^  node2: connect ECONNREFUSED 10\.20\.0\.12:5432\n  WARNING: node2 is in the synchronous set but not streaming: it acknowledges no commit\n/m);
  const nothing = probes({});
  assert.equal((await statusReport({ runner, probe: nothing.probe, hosts: new Map(), pgTimeoutMs: 500 }, false)).reachable, false, 'every node unreachable: status exits non-zero');
  const noPrimary = probes({ node2: standby('0/5000148', 'waiting'), node3: standby('0/5000148', 'waiting') });
  assert.deepEqual((await takeSnapshot({ runner, probe: noPrimary.probe, hosts: new Map(), pgTimeoutMs: 500 })).status.syncWarnings, []);
});

test('sync_mode on: no published set; a member the cluster no longer lists; an invalid sync_mode names itself', async () => {
  const { probe } = probes({ node1: syncPrimary(['node2', 'quorum']), node2: standby('0/5000148') });
  const snapshot = (runner: ReturnType<typeof fixtureRunner>['runner']) => takeSnapshot({ runner, probe, hosts: new Map(), pgTimeoutMs: 500 });
  // What the agent leaves after it released its set: the property is there, empty.
  const released = (await snapshot(withPublishedSet('').runner)).status;
  assert.deepEqual([released.publishedSet, released.syncWarnings], [{ quorum: 0, members: [] }, [{ kind: 'no-published-set' }]]);
  const text = formatStatus(released);
  assert.match(text, /^sync_mode quorum, sync_count 2, no synchronous set published$/m);
  assert.match(text, /^  WARNING: no synchronous set published: commits are acknowledged without waiting for any standby$/m);
  const removed = (await snapshot(withPublishedSet('1:node2,node4').runner)).status;
  assert.deepEqual(removed.syncWarnings, [{ kind: 'member-not-streaming', node: 'node4' }]);
  const invalid = fixtureRunner('sync', { 'cibadmin -Q': ok('cibadmin -Q', fixture('sync.cib.xml').replace('value="quorum"', 'value="always"')) });
  await assert.rejects(snapshot(invalid.runner), (e: unknown) =>
    e instanceof CliError && e.exitCode === EXIT.FAILED && /^resource pgsqld: parameter sync_mode="always" is invalid/.test(e.message));
});

test('LSN arithmetic', () => {
  assert.equal(parseLsn('16/B374D848'), (0x16n << 32n) + 0xb374d848n);
  assert.equal(lsnDiff('1/0', '0/FFFFFFFF'), 1);
  assert.equal(lsnDiff('0/10', '0/20'), 0);
  assert.throws(() => parseLsn('nope'), /not an LSN/);
});

test("a CIB recovering a crashed primary by restart (PAF's operations kept after a migration): status says what on-fail=demote would change", async () => {
  const probe = probes({ node1: primary, node2: standby('0/5000148'), node3: standby('0/5000148') }).probe;
  const configured = await takeSnapshot({ runner: fixtureRunner('healthy').runner, probe, hosts: new Map(), pgTimeoutMs: 500 });
  assert.deepEqual(configured.status.recoveryWarnings, [], "pgha configure's CIB");
  const pafOperations = fixture('healthy.cib.xml').replace(/ on-fail="[a-z]+"/g, '');
  const cibCommand = fixtureRunner('healthy').runner;
  const runner = async (file: string, args: readonly string[]) => (file === 'cibadmin' ? ok('cibadmin', pafOperations) : cibCommand(file, args));
  const { status } = await takeSnapshot({ runner, probe, hosts: new Map(), pgTimeoutMs: 500 });
  assert.deepEqual(status.recoveryWarnings, [{ kind: 'primary-restarted', onFail: 'restart (default)' }]);
  assert.match(formatStatus(status), /^ {2}NOTE: the Promoted monitor has on-fail=restart \(default\): a crashed primary is recovered by demote, stop, start and promote/m);
});

test('a long failure reason: the table fits 120 columns, the reason is given whole below it with the command that clears it', async () => {
  const { runner } = fixtureRunner('degraded');
  const { probe } = probes({ node1: { ...primary, replication: [] }, node3: standby('0/4000000', 'waiting') });
  const { status } = await takeSnapshot({ runner, probe, hosts: new Map(), pgTimeoutMs: 500 });
  const reason = `primary_conninfo has application_name=node2: it must be the Pacemaker node name, node3 (set in ${'/etc/postgresql/17/main/conf.d/'.repeat(3)}replication.conf)`;
  const n3 = status.nodes.find((n) => n.node === 'node3')!;
  n3.lastFailure = { ...n3.lastFailure!, exitReason: reason };
  const text = formatStatus(status);
  const table = text.split('\n\n')[1]!.split('\n').filter((l) => /^(NODE|node\d)\s/.test(l));
  assert.equal(table.length, 4);
  for (const line of table) assert.ok(line.length <= 120, `${line.length} columns: ${line}\n${text}`);
  assert.match(table.find((l) => l.startsWith('node3'))!, /\s-1000\s+monitor\s+fence-node3$/);
  assert.ok(text.includes(`  node3: monitor (4s) failed: error (${reason}) at `), text);
  assert.match(text, /^ {2}node3: .*; once its cause is fixed, clear it with: crm_resource --cleanup --resource pgsqld --node node3$/m);
  assert.equal(JSON.parse(JSON.stringify(status)).nodes.find((n: { node: string }) => n.node === 'node3').lastFailure.exitReason, reason, 'whole in --json');
});

test('renderTable with a fit: shortens the chosen columns in order, never below their header', () => {
  const rows = [['node1', 'x'.repeat(40), 'fence-node1,fence-node1-ipmi,fence-node1-pdu']];
  const fitted = renderTable(['NODE', 'FAILURE', 'FENCING'], rows, { maxWidth: 40, shrink: [1, 2] }).split('\n');
  assert.ok(fitted.every((l) => l.length <= 40), JSON.stringify(fitted));
  assert.match(fitted[1]!, /^node1 {2}x{6}… {2}fence-node1,fence-node1…$/);
  const tight = renderTable(['NODE', 'FAILURE', 'FENCING'], rows, { maxWidth: 10, shrink: [1, 2] }).split('\n');
  assert.equal(tight[0], 'NODE   FAILURE  FENCING', 'headers stay whole');
  assert.equal(renderTable(['A'], [['abc']], { maxWidth: 80, shrink: [0] }), 'A\nabc\n', 'a table that fits is left alone');
});
