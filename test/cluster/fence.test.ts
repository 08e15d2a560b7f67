import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { runInNode, runInNodeChecked } from '../../src/lab/node-exec.js';
import { sqlOnNode } from '../../src/lab/cluster-ops.js';
import { labNodes, labPowerOff, labPowerOn, labPowerStatus } from '../../src/lab/power.js';
import { EXIT } from '../../src/cli/errors.js';
import { parseCrmMon } from '../../src/pacemaker/crm-mon.js';
import { join } from 'node:path';
import { InvariantMonitor } from '../../src/lab/invariant-monitor.js';
import { VIP, LAB_PREFIX, NODE_NIC } from '../../src/lab/layout.js';
import { labPostgres } from '../../src/lab/lab-postgres.js';
import { bringLabDown, bringLabUp, currentPrimary, labMonitor, log, pghaInNode, restoreHealthy, setSyncMode, sleep, stopLabMonitor, waitFor } from './harness.js';
import { partitionNode } from '../../src/lab/faults.js';
import { lostOutsideWindow, runWithWriter } from './scenario.js';
import { clusterView, waitForNewPrimary } from '../../src/lab/cluster-watch.js';
import { setFenceDeviceFault } from '../../src/lab/fence-device.js';

/** fence_pgha_lab under the real pacemaker-fenced, and pgha fence verify on the lab's configuration. */
describe('fencing in the lab', { timeout: 25 * 60_000 }, () => {
  before(async () => bringLabUp(3), { timeout: 6 * 60_000 });
  after(async () => bringLabDown(), { timeout: 60_000 });

  it('the agent metadata is valid against the fence-agents schema, and pacemaker reads it', async () => {
    // The agent's own output is what the schema describes; stonith_admin prints Pacemaker's
    // rewrite of it (fake start/stop actions with timeouts), which the schema does not allow.
    const own = await runInNode('node1', ['/usr/sbin/fence_pgha_lab', '-o', 'metadata']);
    assert.equal(own.exitCode, 0, own.stderr);
    const lint = spawnSync('xmllint', ['--noout', '--relaxng', 'test/fixtures/fence-metadata.rng', '-'], { input: own.stdout, encoding: 'utf8' });
    assert.equal(lint.status, 0, lint.stderr);
    const r = await runInNode('node1', ['stonith_admin', '--metadata', '--agent', 'fence_pgha_lab']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /<parameter name="plug"/);
  });

  it('stonith_admin --validate runs validate-all through pacemaker\'s own stdin protocol', async () => {
    const r = await runInNode('node1', ['stonith_admin', '--validate', '--agent', 'fence_pgha_lab', '--option', 'delay=0']);
    assert.equal(r.exitCode, 0, `${r.stdout}\n${r.stderr}`);
  });

  it('pgha fence verify passes on the lab configuration (live CIB and corosync)', async () => {
    const r = await runInNode('node1', ['pgha', 'fence', 'verify', '--json'], { timeoutMs: 120_000 });
    const report = JSON.parse(r.stdout) as { verdict: string; findings: { verdict: string; subject: string; message: string }[] };
    const problems = report.findings.filter((f) => f.verdict !== 'PASS');
    assert.equal(r.exitCode, 0, JSON.stringify(problems, null, 2));
    for (const node of await labNodes()) {
      assert.ok(report.findings.some((f) => f.subject === `node ${node}` && f.verdict === 'PASS'), `${node} covered`);
    }
  });

  it('fencing a standby through pacemaker-fenced powers it off and is recorded as a success', { timeout: 240_000 }, async () => {
    const primary = await currentPrimary();
    const victim = (await labNodes()).find((n) => n !== primary)!;
    const from = (await labNodes()).find((n) => n !== victim)!;
    const r = await runInNode(from, ['stonith_admin', '--fence', victim, '--timeout', '60'], { timeoutMs: 90_000 });
    assert.equal(r.exitCode, 0, `${r.stdout}\n${r.stderr}`);
    assert.equal(await labPowerStatus(victim), 'off');
    const history = await runInNode(from, ['stonith_admin', '--history', victim, '--verbose', '--output-as=xml']);
    const events = (await parseCrmMon(history.stdout)).fenceHistory;
    assert.ok(events.some((e) => e.target === victim && e.status === 'success'), history.stdout);
    await restoreHealthy();
  });

  it('pgha fence drill fences a standby through Pacemaker and times its return and its PostgreSQL', { timeout: 300_000 }, async () => {
    await restoreHealthy();
    const primary = await currentPrimary();
    const victim = (await labNodes()).find((n) => n !== primary)!;
    const requestedAt = Date.now();
    const drill = pghaInNode(primary, ['fence', 'drill', victim, '--yes', '--online-timeout', '120', '--pg-timeout', '120'], 280_000);
    // The lab's devices leave a fenced node off (pcmk_reboot_action=off): it is powered on as a reboot
    // would, once the fencing is recorded. A node whose Pacemaker is up before the survivors learn
    // of its fencing is told it was fenced and stops Pacemaker (fence-reaction): a real machine
    // boots for longer than that takes, and so must this one.
    await waitFor(`${victim} fenced by the drill`, 90_000, async () => (await rebootsOf(victim, primary, requestedAt)) > 0);
    await labPowerOn(victim);
    const r = await drill;
    assert.equal(r.exitCode, 0, `${r.stdout}\n${r.stderr}`);
    const seconds = (label: RegExp) => Number(label.exec(r.stdout)?.[1] ?? Number.NaN);
    const fenced = seconds(/fenced \(confirmed off\)\s+([\d.]+)s/);
    const online = seconds(/node online again\s+([\d.]+)s/);
    const postgres = seconds(/PostgreSQL active again\s+([\d.]+)s/);
    assert.ok(fenced >= 0 && online > fenced && postgres >= online, r.stdout);
    assert.ok((await rebootsOf(victim, primary, requestedAt)) >= 1, 'the reboot is in the fence history');
    assert.match(r.stdout, /\(fence history\)/);
    await restoreHealthy();
  });

  it('pgha fence drill refuses the node it runs on and a node that is not in the cluster, fencing nothing', async () => {
    const [node] = await labNodes();
    const self = await pghaInNode(node!, ['fence', 'drill', node!, '--yes'], 60_000);
    assert.equal(self.exitCode, EXIT.FAILED, self.stderr);
    assert.match(self.stderr, /is the node this runs on: run the drill from another node/);
    const unknown = await pghaInNode(node!, ['fence', 'drill', 'node9', '--yes'], 60_000);
    assert.equal(unknown.exitCode, EXIT.FAILED, unknown.stderr);
    assert.match(unknown.stderr, /node9 is not a cluster node \(nodes: node1, node2, node3\)/);
    for (const n of await labNodes()) assert.equal(await labPowerStatus(n), 'on', `${n} still powered on`);
  });

  it('pgha fence drill exits 3 when the fenced node does not come back within --online-timeout', { timeout: 240_000 }, async () => {
    await restoreHealthy();
    const primary = await currentPrimary();
    const victim = (await labNodes()).find((n) => n !== primary)!;
    const r = await pghaInNode(primary, ['fence', 'drill', victim, '--yes', '--online-timeout', '3'], 120_000);
    assert.equal(r.exitCode, EXIT.CHECK_FAILED, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /node online again\s+-/);
    assert.match(r.stderr, new RegExp(`${victim} not back online within 3s`));
    assert.equal(await labPowerStatus(victim), 'off');
    await restoreHealthy();
  });

  /** Successful reboots of `node` since `since`, in the fence history as `from` reads it. */
  async function rebootsOf(node: string, from: string, since: number): Promise<number> {
    const history = await runInNode(from, ['stonith_admin', '--history', node, '--verbose', '--output-as=xml']);
    // History times are whole seconds.
    return (await parseCrmMon(history.stdout)).fenceHistory.filter((e) => e.target === node && e.action === 'reboot' && e.status === 'success' && Date.parse(e.completed ?? '') >= since - 1_000).length;
  }

  /** Failed fencing attempts of `node` since `since`, in the fence history. */
  async function failedFencings(node: string, since: number): Promise<number> {
    const history = await runInNode(await survivorOf(node), ['stonith_admin', '--history', node, '--verbose', '--output-as=xml']);
    // History times are whole seconds.
    return (await parseCrmMon(history.stdout)).fenceHistory.filter((e) => e.target === node && e.status === 'failed' && Date.parse(e.completed ?? '') >= since - 1_000).length;
  }

  /** A node other than `node`, to ask the majority. */
  const survivorOf = async (node: string) => (await labNodes()).find((n) => n !== node)!;

  for (const fault of ['fail', 'hang'] as const) {
    it(`the fence device ${fault === 'fail' ? 'fails' : 'hangs'} while the primary's node is gone: nobody is promoted until fencing succeeds, then the failover completes`, { timeout: 300_000 }, async () => {
      await restoreHealthy();
      const primary = await currentPrimary();
      let repairedAt = 0;
      try {
        const r = await runWithWriter(
          `fence device ${fault}`,
          async () => {
            await setFenceDeviceFault(fault);
            const at = Date.now();
            await labPowerOff(primary);
            // A failing device answers at once; a hanging one only when Pacemaker's fencing timeout (30 s) ends it.
            await waitFor(`a failed fencing of ${primary}`, 90_000, async () => (await failedFencings(primary, at)) > 0, 1_000);
            await sleep(5_000);
            // Pacemaker still shows the unclean node's instance promoted: it cannot know it stopped.
            const meanwhile = await clusterView(await survivorOf(primary));
            assert.ok(!meanwhile?.promoted.some((n) => n !== primary), `nobody else is promoted while ${primary} cannot be fenced: ${JSON.stringify(meanwhile)}`);
            assert.ok(meanwhile?.unclean.includes(primary), `${primary} is unclean, waiting for fencing`);
            repairedAt = Date.now();
            log(`fence device ${fault}: ${await failedFencings(primary, at)} failed fencing(s) of ${primary}; repairing the device`);
            await setFenceDeviceFault(undefined);
            return at;
          },
          () => waitForNewPrimary(primary, 120_000),
          180_000,
        );
        const acknowledgedUnfenced = r.events.filter((e) => e.ok && e.start > r.faultDoneAt && e.end < repairedAt);
        assert.deepEqual(acknowledgedUnfenced.map((e) => e.n), [], 'no write is acknowledged before the device works again');
        assert.deepEqual(lostOutsideWindow(r, 1_000), [], 'only writes acknowledged in the last second may be lost');
        log(`fence device ${fault}: writes back ${r.outageMs} ms after the crash, ${(r.events.find((e) => e.ok && e.start > repairedAt)?.end ?? Number.NaN) - repairedAt} ms after the repair`);
      } finally {
        await setFenceDeviceFault(undefined);
      }
      await restoreHealthy();
    });
  }

  it('a partition leaves the primary with its clients but no quorum, and the device switches nothing: it stops accepting writes, nobody is promoted; once the device works, failover, nothing lost (quorum)', { timeout: 360_000 }, async () => {
    await restoreHealthy();
    await setSyncMode('quorum', 1);
    const primary = await currentPrimary();
    let repairedAt = 0;
    try {
      const r = await runWithWriter(
        'primary partitioned, fence device switching nothing',
        async () => {
          await setFenceDeviceFault('noop');
          const at = Date.now();
          await partitionNode(primary);
          await waitFor(`a failed fencing of ${primary}`, 120_000, async () => (await failedFencings(primary, at)) > 0, 1_000);
          const meanwhile = await clusterView(await survivorOf(primary));
          assert.ok(!meanwhile?.promoted.some((n) => n !== primary), `the majority promotes nobody while ${primary} is not fenced: ${JSON.stringify(meanwhile)}`);
          const lastAck = labMonitor().tokens(at).filter((t) => t.start >= at).at(-1);
          log(`partition: ${primary}'s last direct write acknowledged ${lastAck ? lastAck.end - at : 'never'} ms after the partition`);
          assert.equal(await labPowerStatus(primary), 'on', 'the device switched nothing');
          repairedAt = Date.now();
          await setFenceDeviceFault(undefined);
          return at;
        },
        () => waitForNewPrimary(primary, 150_000),
        240_000,
      );
      assert.notEqual(r.primaryAfter, primary);
      assert.equal(await labPowerStatus(primary), 'off', 'fenced once the device worked');
      assert.deepEqual(r.missing.map((e) => e.n), [], 'quorum: every acknowledged row, through the VIP or direct, is on the new primary');
      const before = r.events.filter((e) => e.ok && e.start > r.faultDoneAt && e.end < repairedAt);
      log(`partition: ${before.length} writes acknowledged between the partition and the repair (by ${primary}, quorum-confirmed before its standbys were cut)`);
    } finally {
      await setFenceDeviceFault(undefined);
    }
    await restoreHealthy();
    await setSyncMode('off', 1);
  });

  it('the invariant monitor catches two writable primaries and the VIP on two nodes, staged by hand (breaks the lab: the last test)', { timeout: 120_000 }, async () => {
    // The file's own monitor must have seen nothing so far; this test's violations are its own.
    await stopLabMonitor();
    const primary = await currentPrimary();
    const rogue = (await labNodes()).find((n) => n !== primary)!;
    const monitor = await InvariantMonitor.start();
    try {
      await waitFor(`tokens committed on ${primary}`, 30_000, async () => monitor.tokens(0).length >= 10);
      assert.deepEqual(monitor.violations(), [], 'a healthy cluster violates nothing');
      // Behind Pacemaker's back (maintenance mode: it neither monitors nor recovers).
      await runInNodeChecked(primary, ['crm_attribute', '--type', 'crm_config', '--name', 'maintenance-mode', '--update', 'true'], { timeoutMs: 30_000 });
      const { bindir, pgdata } = await labPostgres();
      await runInNodeChecked(rogue, [join(bindir, 'pg_ctl'), 'promote', '-w', '-D', pgdata], { user: 'postgres', timeoutMs: 60_000 });
      // A synchronous set left from when the node was primary would hold its commits: none acknowledged, nothing to catch.
      await sqlOnNode(rogue, "ALTER SYSTEM SET synchronous_standby_names = ''");
      await sqlOnNode(rogue, 'SELECT pg_reload_conf()');
      await runInNodeChecked(rogue, ['ip', 'addr', 'add', `${VIP}/${LAB_PREFIX}`, 'dev', NODE_NIC], { timeoutMs: 10_000 });
      await waitFor('both violations seen', 10_000, async () => {
        const kinds = new Set(monitor.violations().map((v) => v.kind));
        return kinds.has('two-writable') && kinds.has('vip-on-two');
      }).catch((error: unknown) => {
        const last = (node: string) => JSON.stringify(monitor.samples.filter((x) => x.node === node).at(-1));
        throw new Error(`${String(error)}; seen: ${JSON.stringify(monitor.violations().slice(0, 3))}; last samples: ${primary} ${last(primary)}, ${rogue} ${last(rogue)}`);
      });
      const found = monitor.violations();
      assert.ok(found.some((v) => v.kind === 'two-writable' && v.detail.includes(primary) && v.detail.includes(rogue)), JSON.stringify(found.slice(0, 3)));
      assert.ok(found.some((v) => v.kind === 'vip-on-two' && v.detail === `the VIP is on ${[primary, rogue].sort().join(' and ')}`), JSON.stringify(found.slice(0, 3)));
    } finally {
      await monitor.stop();
    }
  });
});
