import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inRecovery, sqlOnNode } from '../../src/lab/cluster-ops.js';
import { clusterView } from '../../src/lab/cluster-watch.js';
import { CLONE, VIP_RESOURCE } from '../../src/lab/cib-commands.js';
import { pauseWalReceiver } from '../../src/lab/faults.js';
import { runInNode, runInNodeChecked } from '../../src/lab/node-exec.js';
import { labNodes } from '../../src/lab/power.js';
import { EXIT } from '../../src/cli/errors.js';
import { parseCib } from '../../src/pacemaker/cib.js';
import type { ClusterStatus } from '../../src/cli/status/status-model.js';
import { LAB_AGENT, bringLabDown, pghaInNode, bringLabUp, currentPrimary, log, restoreHealthy, waitFor, waitHealthy } from './harness.js';


describe(`pgha status / switchover / configure on the lab (agent ${LAB_AGENT})`, { timeout: 20 * 60_000 }, () => {
  before(async () => bringLabUp(3), { timeout: 6 * 60_000 });
  after(async () => bringLabDown(), { timeout: 60_000 });

  it('status matches crm_mon and each PostgreSQL', { timeout: 120_000 }, async () => {
    const primary = await currentPrimary();
    for (const asker of await labNodes()) {
      const result = await pghaInNode(asker, ['status', '--json'], 30_000);
      assert.equal(result.exitCode, 0, result.stderr);
      const status = JSON.parse(result.stdout) as ClusterStatus;
      const lab = (await clusterView(asker))!;
      assert.deepEqual(status.nodes.filter((n) => n.role === 'Promoted').map((n) => n.node), lab.promoted);
      assert.deepEqual(status.nodes.filter((n) => n.role === 'Unpromoted').map((n) => n.node).sort(), [...lab.unpromoted].sort());
      for (const row of status.nodes) {
        assert.equal(row.pacemaker, 'online', row.node);
        assert.equal(row.postgres === 'primary', (await inRecovery(row.node)) === false, `${row.node}: ${row.postgres}`);
        if (row.node === primary) assert.match(row.currentLsn ?? '', /^[0-9A-F]+\/[0-9A-F]+$/);
        else {
          assert.equal(row.postgres, 'streaming', row.node);
          assert.equal(row.senderState, 'streaming', row.node);
          assert.ok(row.lagBytes !== undefined && row.promotionScore !== undefined, row.node);
        }
        assert.deepEqual(row.fencing, [`fence-${row.node}`]);
      }
    }
    const table = await pghaInNode(primary, ['status'], 30_000);
    assert.match(table.stdout, new RegExp(`^${primary}\\s+online\\s+Promoted\\s+primary\\s`, 'm'));
  });

  it('switchover to a lagging or stopped standby is refused (EXIT.CHECK_FAILED)', { timeout: 180_000 }, async () => {
    const primary = await currentPrimary();
    const [lagging, other] = (await labNodes()).filter((n) => n !== primary);
    await pauseWalReceiver(lagging!, true);
    try {
      await sqlOnNode(primary, 'CREATE TABLE IF NOT EXISTS pgha_cli_lag AS SELECT g FROM generate_series(1, 100000) g');
      const refused = await pghaInNode(primary, ['switchover', '--to', lagging!, '--max-lag', '0']);
      assert.equal(refused.exitCode, EXIT.CHECK_FAILED, refused.stdout + refused.stderr);
      assert.match(refused.stderr, new RegExp(`switchover refused:\\n  - .*${lagging}`));
    } finally {
      await pauseWalReceiver(lagging!, false);
    }
    await runInNodeChecked(primary, ['crm_resource', '--ban', '-r', CLONE, '-N', other!], { timeoutMs: 30_000 });
    try {
      await waitStopped(primary, other!);
      const stopped = await pghaInNode(primary, ['switchover', '--to', other!]);
      assert.equal(stopped.exitCode, EXIT.CHECK_FAILED, stopped.stdout + stopped.stderr);
      assert.match(stopped.stderr, new RegExp(`${other} runs no Unpromoted instance`));
    } finally {
      await runInNodeChecked(primary, ['crm_resource', '--clear', '-r', CLONE], { timeoutMs: 30_000 });
    }
    await sqlOnNode(primary, 'DROP TABLE IF EXISTS pgha_cli_lag');
    await restoreHealthy();
  });

  it('switchover to node3 succeeds and reports how long writes were unavailable', { timeout: 240_000 }, async () => {
    let primary = await currentPrimary();
    if (primary === 'node3') {
      const back = await pghaInNode(primary, ['switchover', '--to', 'node1']);
      assert.equal(back.exitCode, 0, back.stdout + back.stderr);
      primary = (await waitHealthy(120_000, 'node1')).promoted[0]!;
    }
    const dry = await pghaInNode(primary, ['switchover', '--to', 'node3', '--dry-run']);
    assert.equal(dry.exitCode, 0, dry.stdout + dry.stderr);
    assert.match(dry.stdout, /Promote pgsqld:\d+ \( Unpromoted -> Promoted node3 \)/);
    const result = await pghaInNode(primary, ['switchover', '--to', 'node3', '--timeout', '120']);
    log(result.stdout.trim());
    assert.equal(result.exitCode, 0, result.stdout + result.stderr);
    const match = /writes unavailable for (\d+\.\d+)s; switchover took (\d+\.\d+)s; move constraint cleared/.exec(result.stdout);
    assert.ok(match, result.stdout);
    assert.ok(Number(match[1]) > 0 && Number(match[1]) < 60, match[1]);
    await waitHealthy(60_000, 'node3');
    const constraints = await runInNodeChecked('node3', ['cibadmin', '-Q', '-o', 'constraints'], { timeoutMs: 30_000 });
    assert.doesNotMatch(constraints.stdout, /cli-prefer-/);
  });

  for (const [tool, applied] of [['pcs', /^\+ pcs cluster cib-push /m], ['crm', /^\+ crm configure <<'EOF'$/m]] as const) {
    it(`configure --tool ${tool} --apply on a cluster without the resources recreates them, and the cluster becomes healthy`, { timeout: 300_000 }, async () => {
      const node = (await labNodes())[0]!;
      const cib = await parseCib((await runInNodeChecked(node, ['cibadmin', '-Q'], { timeoutMs: 30_000 })).stdout);
      const resource = cib.pgResources[0]!;
      const vip = await runInNodeChecked(node, ['crm_resource', '-r', VIP_RESOURCE, '-g', 'ip'], { timeoutMs: 30_000 });
      const netmask = await runInNodeChecked(node, ['crm_resource', '-r', VIP_RESOURCE, '-g', 'cidr_netmask'], { timeoutMs: 30_000 });
      const nic = await runInNodeChecked(node, ['crm_resource', '-r', VIP_RESOURCE, '-g', 'nic'], { timeoutMs: 30_000 });
      for (const id of [VIP_RESOURCE, CLONE]) {
        await runInNodeChecked(node, ['pcs', 'resource', 'delete', id, '--force'], { timeoutMs: 120_000 });
      }
      await waitFor('no pgsqld resource left', 120_000, async () => !/pgsqld/.test((await runInNode(node, ['crm_mon', '-1'])).stdout), 1_000);
      const p = resource.params;
      const result = await pghaInNode(node, [
        'configure', '--apply', '--nodes', (await labNodes()).join(','), '--resource', resource.primitiveId,
        '--vip', `${vip.stdout.trim()}/${netmask.stdout.trim()}`, '--vip-nic', nic.stdout.trim(), '--vip-resource', VIP_RESOURCE,
        '--bindir', p['bindir']!, '--pgdata', p['pgdata']!, '--pghost', p['pghost']!, '--pgport', p['pgport']!,
        '--system-user', p['system_user']!, '--monitor-interval', '5', '--tool', tool,
      ]);
      assert.equal(result.exitCode, 0, result.stdout + result.stderr);
      assert.match(result.stdout, applied);
      await waitHealthy(180_000);
    });
  }
});

async function waitStopped(asker: string, node: string): Promise<void> {
  await waitFor(`${CLONE} stopped on ${node}`, 120_000, async () => {
    const status = await clusterView(asker);
    return status !== undefined && !status.unpromoted.includes(node) && !status.promoted.includes(node);
  }, 1_000);
}

