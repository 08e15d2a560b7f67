import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run, type RunOptions, type RunResult } from '../../../src/exec/run.js';
import type { PgProbe, PgTarget } from '../../../src/pg/pg-probe.js';
import { takeSnapshot, type Snapshot } from '../../../src/cli/status/status-gather.js';
import { checkSwitchover, chooseTarget, parseTransitionSummary, planPromotes, writeOutage } from '../../../src/cli/switchover/switchover-plan.js';
import { executeSwitchover, simulateMove } from '../../../src/cli/switchover/switchover-run.js';
import { fixture, fixtureRunner, ok } from '../pacemaker/fixtures.js';

const ADDR: Record<string, string> = { '10.20.0.11': 'node1', '10.20.0.12': 'node2', '10.20.0.13': 'node3' };
const primary = (standbys: [string, string, string][]): PgProbe => ({
  reachable: true, inRecovery: false, timeline: 1, currentLsn: '0/5000000',
  replication: standbys.map(([name, state, replayLsn]) => ({ applicationName: name, state, syncState: 'async', replayLsn })),
});
const standby = (replayLsn: string, receiverStatus = 'streaming'): PgProbe => ({ reachable: true, inRecovery: true, timeline: 1, receiveLsn: replayLsn, replayLsn, receiverStatus, replication: [] });

async function snapshot(scenario: string, pgs: Record<string, PgProbe>): Promise<Snapshot> {
  const { runner } = fixtureRunner(scenario);
  const probe = async (t: PgTarget) => pgs[ADDR[t.host]!] ?? { reachable: false as const, error: 'ECONNREFUSED' };
  return takeSnapshot({ runner, probe, hosts: new Map(), pgTimeoutMs: 100 });
}
const healthyPgs = () => ({
  node1: primary([['node2', 'streaming', '0/4FFF000'], ['node3', 'streaming', '0/5000000']]),
  node2: standby('0/4FFF000'),
  node3: standby('0/5000000'),
});
const check = (s: Snapshot, target?: string, maxLagBytes = 1 << 20) => checkSwitchover({ status: s.status, cib: s.cib, mon: s.mon, target, maxLagBytes });

test('healthy cluster: switchover to node3 passes every check', async () => {
  const s = await snapshot('healthy', healthyPgs());
  assert.deepEqual(check(s, 'node3'), { from: 'node1', to: 'node3', problems: [] });
});

test('without --to: the highest promotion score wins (node2: 1000 > node3: 990)', async () => {
  const s = await snapshot('healthy', healthyPgs());
  assert.equal(chooseTarget(s.status, 1 << 20)!.node, 'node2');
  assert.deepEqual(check(s), { from: 'node1', to: 'node2', problems: [] });
  // node2 lagging beyond the limit: node3 is chosen instead.
  assert.equal(check(s, undefined, 0x100).to, 'node3');
});

test('refusals name the reason: lag, not streaming, unknown node, the primary itself', async () => {
  const s = await snapshot('healthy', healthyPgs());
  assert.deepEqual(check(s, 'node2', 1024).problems, ['node2 lags 4096 bytes behind the primary (limit --max-lag 1024)']);
  assert.deepEqual(check(s, 'node9').problems, ['node9 is not a node of this cluster (nodes: node1, node2, node3)']);
  assert.deepEqual(check(s, 'node1').problems, ['node1 is already the primary']);
  const catchup = await snapshot('healthy', { ...healthyPgs(), node1: primary([['node3', 'catchup', '0/5000000']]) });
  assert.deepEqual(check(catchup, 'node3').problems, ["the primary's pg_stat_replication shows node3 as catchup"]);
  assert.deepEqual(check(catchup, 'node2').problems, ["the primary's pg_stat_replication has no row for node2"]);
});

test('degraded cluster: standby node, stopped/unreachable PostgreSQL, negative score, failed actions', async () => {
  const s = await snapshot('degraded', { node1: primary([['node3', 'streaming', '0/4000000']]), node3: standby('0/4000000', 'waiting') });
  const toNode2 = check(s, 'node2');
  assert.deepEqual(toNode2.problems, [
    'failed actions must be cleaned up first (crm_resource --cleanup): pgsqld_monitor_4000 on node3: error (replication is not streaming from the primary)',
    'node2 is standby in Pacemaker, not online',
    'node2 runs no Unpromoted instance (role Stopped)',
    "node2's PostgreSQL is unreachable, not a streaming standby (ECONNREFUSED)",
    "node2's lag is unknown",
  ]);
  const toNode3 = check(s, 'node3', 1 << 30);
  assert.ok(toNode3.problems.includes("node3's PostgreSQL is standby, not a streaming standby (WAL receiver waiting)"));
  assert.ok(toNode3.problems.includes('the agent scores node3 -1000: not promotable'));
  assert.match(check(s).problems.at(-1)!, /^no standby can be promoted: node2 is standby in Pacemaker/);
});

test('fencing disabled or without devices; no primary', async () => {
  const s = await snapshot('healthy', healthyPgs());
  const noFencing = checkSwitchover({
    status: s.status, mon: s.mon, target: 'node3', maxLagBytes: 1 << 20,
    cib: { ...s.cib, properties: { ...s.cib.properties, 'stonith-enabled': 'false' }, fenceDevices: [] },
  });
  assert.deepEqual(noFencing.problems, [
    'fencing is disabled (stonith-enabled=false): a failed demote could not be resolved safely',
    'no fence device is configured',
    'no fence device covers the current primary node1',
  ]);
  const failover = await snapshot('failover', { node2: primary([]), node3: standby('0/5000000') });
  assert.equal(check(failover, 'node3').from, 'node2');
  const noPrimary = checkSwitchover({
    status: { ...s.status, nodes: s.status.nodes.map((n) => ({ ...n, role: n.role === 'Promoted' ? 'Unpromoted' : n.role })) },
    cib: s.cib, mon: s.mon, target: 'node3', maxLagBytes: 1 << 20,
  });
  assert.deepEqual(noPrimary.problems, ['no node runs pgsqld as Promoted']);
});

test('crm_simulate transition summary of a promoted move', () => {
  const summary = parseTransitionSummary(fixture('switchover.crm_simulate.txt'));
  assert.deepEqual(summary, [
    'Demote pgsqld:0 ( Promoted -> Unpromoted node1 )',
    'Promote pgsqld:2 ( Unpromoted -> Promoted node3 )',
    'Move pgsqld-vip ( node1 -> node3 )',
  ]);
  assert.equal(planPromotes(summary, 'pgsqld', 'node3'), true);
  assert.equal(planPromotes(summary, 'pgsqld', 'node2'), false);
  assert.equal(planPromotes(summary, 'pgsql', 'node3'), false);
  assert.deepEqual(parseTransitionSummary('Current cluster status:\n  * Node List:\n'), []);
  assert.equal(writeOutage(1000, 3500), 2500);
  assert.equal(writeOutage(undefined, 3500), undefined);
});

test('simulateMove runs the real crm_resource --move --promoted and crm_simulate on a copy of the CIB', async () => {
  const calls: string[] = [];
  const runner = async (file: string, args: readonly string[], options?: RunOptions): Promise<RunResult> => {
    calls.push(`${options?.env?.CIB_file ? 'CIB_file=… ' : ''}${[file, ...args].join(' ')}`);
    if (file === 'cibadmin') return ok('cibadmin -Q', fixture('healthy.cib.xml'));
    return run(file, args, options);
  };
  const { summary, error } = await simulateMove(runner, 'pgsqld-clone', 'node3');
  assert.equal(error, undefined);
  assert.ok(planPromotes(summary, 'pgsqld', 'node3'), summary.join('\n'));
  assert.ok(summary.some((l) => /^Demote pgsqld:\d+ \( Promoted -> Unpromoted node1 \)$/.test(l)));
  assert.ok(summary.includes('Move pgsqld-vip ( node1 -> node3 )'));
  assert.deepEqual(calls.slice(1), ['CIB_file=… crm_resource --move --promoted -r pgsqld-clone -N node3', `crm_simulate -x ${calls[2]!.split(' ')[2]} -S`]);
});

/** A fake cluster for executeSwitchover: the move flips writability after `promoteAfterMs`. */
function fakeCluster(opts: { promoteAfterMs?: number; rejoin?: boolean; moveExit?: number }) {
  const calls: string[] = [];
  let movedAt: number | undefined;
  const promoted = () => movedAt !== undefined && opts.promoteAfterMs !== undefined && Date.now() - movedAt >= opts.promoteAfterMs;
  return {
    calls,
    io: {
      out: () => {},
      runner: async (file: string, args: readonly string[]): Promise<RunResult> => {
        calls.push([file, ...args].join(' '));
        if (args[0] === '--move' && !opts.moveExit) movedAt = Date.now();
        return { command: file, exitCode: args[0] === '--move' ? (opts.moveExit ?? 0) : 0, stdout: '', stderr: '', timedOut: false };
      },
      // The old primary stops accepting writes as soon as its demote starts.
      isWritable: async (t: PgTarget) => (t.host === 'old' ? movedAt === undefined : promoted()),
      probe: async (): Promise<PgProbe> => primary(promoted() && opts.rejoin ? [['node1', 'streaming', '0/5000000']] : []),
    },
  };
}
const run1 = { clone: 'pgsqld-clone', from: { node: 'node1', pg: { host: 'old', port: 5432, user: 'postgres', database: 'postgres' } }, to: { node: 'node3', pg: { host: 'new', port: 5432, user: 'postgres', database: 'postgres' } }, probeIntervalMs: 20 };

test('executeSwitchover: move, wait for writes and rejoin, clear; reports the write outage', async () => {
  const { io, calls } = fakeCluster({ promoteAfterMs: 300, rejoin: true });
  const result = await executeSwitchover({ ...run1, timeoutMs: 5000 }, io);
  assert.equal(result.error, undefined);
  assert.equal(result.promoted, true);
  assert.equal(result.oldPrimaryStreaming, true);
  assert.equal(result.cleared, true);
  assert.ok(result.writeOutageMs! >= 250 && result.writeOutageMs! < 1500, String(result.writeOutageMs));
  assert.deepEqual(calls, ['crm_resource --move --promoted -r pgsqld-clone -N node3', 'crm_resource --clear --promoted -r pgsqld-clone']);
});

test('executeSwitchover: a target that never promotes times out, and the constraint is still cleared', async () => {
  const { io, calls } = fakeCluster({});
  const result = await executeSwitchover({ ...run1, timeoutMs: 400 }, io);
  assert.equal(result.promoted, false);
  assert.match(result.error!, /node3 did not accept writes within 0.4s/);
  assert.equal(calls.at(-1), 'crm_resource --clear --promoted -r pgsqld-clone');
  const failedMove = fakeCluster({ moveExit: 1 });
  const moved = await executeSwitchover({ ...run1, timeoutMs: 400 }, failedMove.io);
  assert.match(moved.error!, /crm_resource --move exited 1/);
  assert.equal(failedMove.calls.at(-1), 'crm_resource --clear --promoted -r pgsqld-clone');
  const noRejoin = await executeSwitchover({ ...run1, timeoutMs: 1200 }, fakeCluster({ promoteAfterMs: 50 }).io);
  assert.equal(noRejoin.promoted, true);
  assert.match(noRejoin.error!, /node1 does not stream from node3/);
});

test('sync_mode on: a standby outside the published synchronous set is refused (the agent would cancel it); members pass', async () => {
  // sync fixture: sync_mode=quorum, published set 1:node2.
  const s = await snapshot('sync', healthyPgs());
  assert.deepEqual(check(s, 'node3').problems, ['node3 is not in the synchronous set node2 (sync_mode=quorum): it may miss acknowledged commits']);
  assert.deepEqual(check(s, 'node2').problems, []);
  assert.equal(check(s).to, 'node2');
});
