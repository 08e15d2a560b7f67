import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fencingConfirmedMs, isOnline, postgresActiveOn } from '../../../src/fence/drill/fence-drill.ts';
import { parseCrmMon } from '../../../src/pacemaker/crm-mon.ts';

describe('fence drill decisions', () => {
  const crmMon = `<pacemaker-result api-version="2.25" request="crm_mon --output-as=xml">
  <nodes>
    <node name="node1" id="1" online="true" standby="false" type="member"/>
    <node name="node2" id="2" online="false" standby="false" type="member"/>
    <node name="node3" id="3" online="true" standby="false" type="member"/>
  </nodes>
  <resources>
    <clone id="pg-clone" multi_state="true">
      <resource id="pg" resource_agent="ocf:pgha:postgresql" role="Promoted" active="true" failed="false" nodes_running_on="1">
        <node name="node1" id="1" cached="true"/>
      </resource>
      <resource id="pg" resource_agent="ocf:pgha:postgresql" role="Stopped" active="false" nodes_running_on="0"/>
    </clone>
    <resource id="vip" resource_agent="ocf:heartbeat:IPaddr2" role="Started" active="true" nodes_running_on="1">
      <node name="node3" id="3" cached="true"/>
    </resource>
  </resources>
</pacemaker-result>`;

  it('reads which nodes are online and where a pgha instance runs (other agents do not count)', async () => {
    const mon = await parseCrmMon(crmMon);
    assert.deepEqual(['node1', 'node2', 'node3', 'node4'].map((n) => isOnline(mon, n)), [true, false, true, false]);
    assert.deepEqual(['node1', 'node2', 'node3'].map((n) => postgresActiveOn(mon, n)), [true, false, false]);
  });

  it('takes the fencing time from the newest success since the request, never later than stonith_admin returned', async () => {
    // As stonith_admin --history prints it (Pacemaker 2.1), the first event verbatim from the lab.
    const history = (await parseCrmMon(`<pacemaker-result api-version="2.25" request="stonith_admin --history node2 --output-as=xml">
  <list name="fencing history" count="4">
    <fence_event action="reboot" target="node2" client="stonith_admin.4710" origin="node1" status="success" delegate="node1" completed="2026-11-23 20:40:05Z"/>
    <fence_event action="reboot" target="node2" status="success" delegate="node3" completed="2026-11-23 20:00:00 +01:00"/>
    <fence_event action="reboot" target="node3" status="success" completed="2026-11-23 21:40:09 +01:00"/>
    <fence_event action="reboot" target="node2" status="failed" completed="2026-11-23 21:40:08 +01:00"/>
  </list>
  <status code="0" message="OK"/>
</pacemaker-result>`)).fenceHistory;
    const startedAt = Date.parse('2026-11-23T20:40:03Z');
    assert.deepEqual(fencingConfirmedMs(history, 'node2', startedAt, 5_000), { ms: 2_000, source: 'fence history' });
    assert.deepEqual(fencingConfirmedMs(history, 'node2', startedAt, 1_500), { ms: 1_500, source: 'fence history' });
    assert.deepEqual(fencingConfirmedMs(history, 'node2', startedAt + 60_000, 3_000), { ms: 3_000, source: 'stonith_admin return' });
    assert.deepEqual(fencingConfirmedMs([], 'node2', startedAt, 3_000), { ms: 3_000, source: 'stonith_admin return' });
  });
});
