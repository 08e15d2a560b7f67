import { test } from 'node:test';
import assert from 'node:assert/strict';
import { failuresOf, lastFenceEvent, nodeState, parseCrmMon, rolesByNode } from '../../../src/pacemaker/crm-mon.js';
import { fixture } from './fixtures.js';

test('healthy: three online nodes, node1 Promoted, scores from node attributes', async () => {
  const mon = await parseCrmMon(fixture('healthy.crm_mon.xml'));
  assert.equal(mon.code, 0);
  assert.equal(mon.stonithEnabled, true);
  assert.deepEqual(mon.nodes.map((n) => [n.name, nodeState(n, mon.fenceHistory)]), [['node1', 'online'], ['node2', 'online'], ['node3', 'online']]);
  assert.deepEqual([...rolesByNode(mon, 'pgsqld')].sort(), [['node1', 'Promoted'], ['node2', 'Unpromoted'], ['node3', 'Unpromoted']]);
  assert.deepEqual(mon.attributes['node1'], { 'master-pgsqld': '1001' });
  assert.equal(mon.clones[0]!.id, 'pgsqld-clone');
  assert.equal(mon.clones[0]!.promotable, true);
  assert.deepEqual(mon.primitives.find((p) => p.resourceId === 'pgsqld-vip')!.nodes, ['node1']);
  assert.deepEqual(mon.failures, []);
});

test('degraded: standby node, stopped instance, monitor failure with its exit reason', async () => {
  const mon = await parseCrmMon(fixture('degraded.crm_mon.xml'));
  assert.equal(nodeState(mon.nodes[1]!, []), 'standby');
  const roles = rolesByNode(mon, 'pgsqld');
  assert.equal(roles.get('node2'), undefined);
  assert.equal(roles.get('node3'), 'Unpromoted');
  const [failure] = failuresOf(mon, 'pgsqld');
  assert.deepEqual(
    { ...failure, lastRcChange: undefined },
    {
      resourceId: 'pgsqld', opKey: 'pgsqld_monitor_4000', task: 'monitor', intervalMs: 4000, node: 'node3', exitStatus: 'error',
      exitReason: 'replication is not streaming from the primary', exitCode: 1, lastRcChange: undefined,
    },
  );
  assert.equal(mon.attributes['node3']!['master-pgsqld'], '-1000');
  assert.deepEqual(failuresOf(mon, 'pgsqld-vip'), []);
});

test('failover: node1 offline, node2 Promoted; with a fence event node1 reads "fenced"', async () => {
  const xml = fixture('failover.crm_mon.xml');
  const mon = await parseCrmMon(xml);
  assert.equal(nodeState(mon.nodes[0]!, mon.fenceHistory), 'offline');
  assert.equal(rolesByNode(mon, 'pgsqld').get('node2'), 'Promoted');
  // The fencer's history is not in the CIB, so crm_mon only shows it on a live cluster:
  // add events shaped as fence-event-2.15.rng describes.
  const withHistory = xml.replace(
    '<status code="0"',
    `<fence_history>
    <fence_event action="reboot" target="node1" client="pacemaker-controld.812" origin="node2" status="success" delegate="node3" completed="2026-11-23 21:40:12.5Z"/>
    <fence_event action="reboot" target="node1" client="stonith_admin.90" origin="node2" status="failed" delegate="node3" completed="2026-11-23 21:39:12Z" exit-reason="timed out"/>
  </fence_history>
  <status code="0"`,
  );
  const fenced = await parseCrmMon(withHistory);
  assert.equal(fenced.fenceHistory.length, 2);
  assert.equal(lastFenceEvent('node1', fenced.fenceHistory)!.status, 'success');
  assert.equal(nodeState(fenced.nodes[0]!, fenced.fenceHistory), 'fenced');
  assert.equal(nodeState(fenced.nodes[1]!, fenced.fenceHistory), 'online');
  const unclean = await parseCrmMon(xml.replace(/(<node name="node1"[^>]*)unclean="false"/, '$1unclean="true"'));
  assert.equal(nodeState(unclean.nodes[0]!, []), 'unclean');
});

test('a cluster that is not running: status code 102 and its errors', async () => {
  const mon = await parseCrmMon(`<pacemaker-result api-version="2.25" request="crm_mon --output-as=xml">
  <status code="102" message="Not connected">
    <errors>
      <error>error: Could not connect to launcher: Connection refused</error>
      <error>crm_mon: Connection to cluster failed: Connection refused</error>
    </errors>
  </status>
</pacemaker-result>`);
  assert.equal(mon.code, 102);
  assert.equal(mon.message, 'Not connected');
  assert.deepEqual(mon.errors, ['error: Could not connect to launcher: Connection refused', 'crm_mon: Connection to cluster failed: Connection refused']);
  await assert.rejects(parseCrmMon('<cib/>'), /not crm_mon XML/);
});

test("an exit reason with quotes reads as the agent wrote it (crm_mon 2.1 escapes it twice)", async () => {
  // As crm_mon 2.1.5 printed a failed start in the lab.
  const xml = fixture('degraded.crm_mon.xml').replace(
    /exitreason="[^"]*"/,
    'exitreason="rejoin=manual: run &amp;quot;pgha rewind&amp;quot; &amp;lt;here&amp;gt; &amp;amp; then clean up"',
  );
  const [failure] = failuresOf(await parseCrmMon(xml), 'pgsqld');
  assert.equal(failure!.exitReason, 'rejoin=manual: run "pgha rewind" <here> & then clean up');
});
