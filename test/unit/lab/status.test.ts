import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { isHealthy, parseCrmMonXml } from '../../../src/lab/cluster-view.ts';
import { nsInodeOf } from '../../../src/lab/proc.ts';
import { missingAcknowledged, writeOutageMs, type WriteEvent } from '../../../src/lab/writer.ts';

// Captured from the lab while node1's primary had just failed its monitor (failed="true").
const FAILED_XML = readFileSync(new URL('./crm-mon-3nodes.xml', import.meta.url), 'utf8');
const XML = FAILED_XML.replace('role="Promoted" active="true" orphaned="false" blocked="false" managed="true" failed="true"', 'role="Promoted" active="true" orphaned="false" blocked="false" managed="true" failed="false"');
const NODES = ['node1', 'node2', 'node3'];

describe('crm_mon XML', () => {
  it('reads quorum, online nodes, roles and the VIP', async () => {
    const s = await parseCrmMonXml(XML, 'pgsqld-clone', 'pgsql-pri-ip');
    assert.equal(s.dc, 'node1');
    assert.equal(s.quorate, true);
    assert.deepEqual(s.online, NODES);
    assert.deepEqual(s.promoted, ['node1']);
    assert.deepEqual(s.unpromoted, ['node2', 'node3']);
    assert.deepEqual(s.vip, ['node1']);
    assert.equal(isHealthy(s, NODES), true);
    assert.equal(isHealthy(s, NODES, 'node2'), false);
  });

  it('is not healthy when a node is offline or the VIP is elsewhere', async () => {
    const offline = XML.replace('name="node3" id="3" online="true"', 'name="node3" id="3" online="false"');
    assert.equal(isHealthy(await parseCrmMonXml(offline, 'pgsqld-clone', 'pgsql-pri-ip'), NODES), false);
    const s = await parseCrmMonXml(XML, 'pgsqld-clone', 'pgsql-pri-ip');
    assert.equal(isHealthy({ ...s, vip: ['node2'] }, NODES), false);
    assert.equal(isHealthy({ ...s, promoted: ['node1', 'node2'] }, NODES), false);
  });

  it('does not count a failed promoted instance as the primary', async () => {
    assert.notEqual(FAILED_XML, XML);
    const s = await parseCrmMonXml(FAILED_XML, 'pgsqld-clone', 'pgsql-pri-ip');
    assert.deepEqual(s.promoted, []);
    assert.equal(isHealthy(s, NODES), false);
  });

  it('rejects output that is not crm_mon XML', async () => {
    await assert.rejects(parseCrmMonXml('<other/>', 'c', 'v'));
  });
});


describe('writer accounting', () => {
  const ev = (n: number, ok: boolean, start: number, end = start + 5): WriteEvent => ({ n, ok, start, end });
  const events = [ev(1, true, 0), ev(2, true, 100), ev(3, false, 200, 1200), ev(4, false, 1300, 2300), ev(5, true, 2400, 2410), ev(6, true, 2500)];

  it('measures the longest gap between acknowledged writes ending after the fault', () => {
    assert.equal(writeOutageMs(events, 150), 2410 - 105);
    assert.equal(writeOutageMs(events.slice(0, 4), 150), undefined);
    // A write acknowledged just after the fault (orphaned backend) does not hide the outage that follows.
    const orphan = [ev(1, true, 0), ev(2, true, 160), ev(3, false, 200, 1200), ev(4, true, 3000, 3010)];
    assert.equal(writeOutageMs(orphan, 150), 3010 - 165);
  });

  it('lists acknowledged rows that are missing, ignoring failed attempts', () => {
    assert.deepEqual(missingAcknowledged(events, new Set([1, 2, 5, 6])), []);
    assert.deepEqual(missingAcknowledged(events, new Set([1, 5, 6, 3])).map((e) => e.n), [2]);
  });
});

describe('namespaces from /proc', () => {
  it('reads namespace inodes from /proc links', () => {
    assert.equal(nsInodeOf('net:[4026532281]'), 4026532281);
    assert.equal(nsInodeOf('garbage'), undefined);
  });
});
