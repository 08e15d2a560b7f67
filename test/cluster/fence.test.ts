import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { parseFenceHistory } from '../../src/fence/drill/cluster-status.js';
import { runInNode } from '../../src/lab/node-exec.js';
import { labNodes, labPowerStatus } from '../../src/lab/power.js';
import { bringLabDown, bringLabUp, currentPrimary, restoreHealthy } from './harness.js';

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
    const history = await runInNode(from, ['stonith_admin', '--history', victim, '--output-as=xml']);
    const events = await parseFenceHistory(history.stdout);
    assert.ok(events.some((e) => e.target === victim && e.status === 'success'), history.stdout);
    await restoreHealthy();
  });
});
