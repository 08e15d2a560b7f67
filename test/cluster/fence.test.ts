import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { runInNode } from '../../src/lab/node-exec.js';
import { labNodes, labPowerOn, labPowerStatus } from '../../src/lab/power.js';
import { EXIT } from '../../src/cli/errors.js';
import { parseCrmMon } from '../../src/pacemaker/crm-mon.js';
import { bringLabDown, bringLabUp, currentPrimary, pghaInNode, restoreHealthy, waitFor } from './harness.js';

/** fence_pgha_lab under the real pacemaker-fenced, and pgha fence verify on the lab's configuration. */
describe('fencing in the lab', { timeout: 12 * 60_000 }, () => {
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
    // The lab's devices leave a fenced node off (pcmk_reboot_action=off): it is powered on as a reboot would.
    await waitFor(`${victim} powered off by the drill`, 90_000, async () => (await labPowerStatus(victim)) === 'off');
    await labPowerOn(victim);
    const r = await drill;
    assert.equal(r.exitCode, 0, `${r.stdout}\n${r.stderr}`);
    const seconds = (label: RegExp) => Number(label.exec(r.stdout)?.[1] ?? Number.NaN);
    const fenced = seconds(/fenced \(confirmed off\)\s+([\d.]+)s/);
    const online = seconds(/node online again\s+([\d.]+)s/);
    const postgres = seconds(/PostgreSQL active again\s+([\d.]+)s/);
    assert.ok(fenced >= 0 && online > fenced && postgres >= online, r.stdout);
    const history = await runInNode(primary, ['stonith_admin', '--history', victim, '--verbose', '--output-as=xml']);
    const events = (await parseCrmMon(history.stdout)).fenceHistory;
    // History times are whole seconds.
    assert.ok(events.some((e) => e.target === victim && e.action === 'reboot' && e.status === 'success' && Date.parse(e.completed ?? '') >= requestedAt - 1_000), history.stdout);
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
});
