import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fenceDevicesFor, findPgResource, parseCib, stonithEnabled, type Cib } from '../../../src/pacemaker/cib.js';
import { publishedSyncSet } from '../../../src/sync/cib-set.js';
import { parseCorosyncNodelist, parseHostFlags } from '../../../src/pacemaker/corosync.js';
import { fixture } from './fixtures.js';

test('the pgha resource, its clone and instance attributes; nodes; properties', async () => {
  const cib = await parseCib(fixture('healthy.cib.xml'));
  assert.deepEqual(cib.nodes, ['1', '2', '3'].map((id) => ({ id, uname: `node${id}`, type: 'member' })));
  const resource = findPgResource(cib);
  assert.equal(resource.primitiveId, 'pgsqld');
  assert.equal(resource.cloneId, 'pgsqld-clone');
  assert.deepEqual(resource.params, {
    bindir: '/usr/lib/postgresql/15/bin', pgdata: '/etc/postgresql/15/main', datadir: '/var/lib/postgresql/15/main',
    pgport: '5432', system_user: 'postgres',
  });
  assert.equal(resource.cloneMeta['promotable'], 'true');
  assert.equal(findPgResource(cib, 'pgsqld-clone').primitiveId, 'pgsqld');
  assert.throws(() => findPgResource(cib, 'other'), /no ocf:pgha:postgresql resource named other/);
  assert.equal(stonithEnabled(cib), true);
  assert.equal(stonithEnabled({ ...cib, properties: { 'stonith-enabled': 'false' } }), false);
  assert.equal(stonithEnabled({ ...cib, properties: {} }), true);
  assert.deepEqual((await parseCib(fixture('degraded.cib.xml'))).nodeAttributes['node2'], { standby: 'on' });
});

test('the synchronous set an agent published: a cluster property named after its instance', async () => {
  const cib = await parseCib(fixture('sync.cib.xml'));
  assert.equal(cib.properties['pgha-sync-set-pgsqld'], '1:node2');
  assert.deepEqual(publishedSyncSet(cib, 'pgsqld'), { quorum: 1, members: ['node2'] });
  assert.equal(findPgResource(cib).params['sync_mode'], 'quorum');
  assert.deepEqual(publishedSyncSet(cib, 'other'), { quorum: 0, members: [] });
  assert.deepEqual(publishedSyncSet(await parseCib(fixture('healthy.cib.xml')), 'pgsqld'), { quorum: 0, members: [] });
});

test('fence device covering a node: host lists, host maps, topology, dynamic devices', async () => {
  const cib = await parseCib(fixture('healthy.cib.xml'));
  assert.deepEqual(['node1', 'node2', 'node3'].map((n) => fenceDevicesFor(cib, n)), [['fence-node1'], ['fence-node2'], ['fence-node3']]);
  const custom: Cib = {
    ...cib,
    fenceDevices: [
      { id: 'ipmi', agent: 'fence_ipmilan', params: { pcmk_host_map: 'node1:10.0.0.1;node2:10.0.0.2' }, meta: {} },
      { id: 'sbd', agent: 'fence_sbd', params: {}, meta: {} },
      { id: 'off', agent: 'fence_dummy', params: { pcmk_host_list: 'node1' }, meta: { 'target-role': 'Stopped' } },
    ],
    fencingLevels: [],
  };
  assert.deepEqual(fenceDevicesFor(custom, 'node1'), ['ipmi', 'sbd?']);
  assert.deepEqual(fenceDevicesFor(custom, 'node3'), ['sbd?']);
  const topology: Cib = {
    ...custom,
    fencingLevels: [
      { id: 'l2', index: 2, target: 'node1', devices: ['pdu'] },
      { id: 'l1', index: 1, target: 'node1', devices: ['ipmi'] },
      { id: 'l3', index: 1, targetPattern: '^node[23]$', devices: ['kdump', 'ipmi'] },
    ],
  };
  assert.deepEqual(fenceDevicesFor(topology, 'node1'), ['ipmi', 'pdu']);
  assert.deepEqual(fenceDevicesFor(topology, 'node3'), ['kdump', 'ipmi']);
  assert.deepEqual(fenceDevicesFor({ ...cib, fenceDevices: [] }, 'node1'), []);
});

test("PAF's ocf:heartbeat:pgsqlms is read the same way (same parameters and promotion attribute)", async () => {
  const paf = fixture('healthy.cib.xml').replace('type="postgresql" provider="pgha"', 'type="pgsqlms" provider="heartbeat"');
  assert.notEqual(paf, fixture('healthy.cib.xml'));
  assert.equal(findPgResource(await parseCib(paf)).primitiveId, 'pgsqld');
  const other = fixture('healthy.cib.xml').replace('type="postgresql" provider="pgha"', 'type="pgsql" provider="heartbeat"');
  const otherCib = await parseCib(other);
  assert.throws(() => findPgResource(otherCib), /no ocf:pgha:postgresql resource in the CIB/);
});

test('no pgha resource in an empty CIB', async () => {
  const cib = await parseCib('<cib><configuration><crm_config/><nodes/><resources/><constraints/></configuration><status/></cib>');
  assert.throws(() => findPgResource(cib), /no ocf:pgha:postgresql resource in the CIB \(run pgha configure first\)/);
  await assert.rejects(parseCib('<pacemaker-result/>'), /not a CIB/);
});

test('corosync nodelist and --host flags', () => {
  const addresses = parseCorosyncNodelist([
    'nodelist.local_node_pos (u32) = 0',
    'nodelist.node.0.name (str) = node1',
    'nodelist.node.0.nodeid (u32) = 1',
    'nodelist.node.0.ring0_addr (str) = 10.20.0.11',
    'nodelist.node.1.nodeid (u32) = 2',
    'nodelist.node.1.ring0_addr (str) = 10.20.0.12',
  ].join('\n'));
  assert.deepEqual([...addresses], [['node1', '10.20.0.11'], ['10.20.0.12', '10.20.0.12']]);
  assert.deepEqual([...parseHostFlags(['node1=127.0.0.1', 'node2=db2.example'])], [['node1', '127.0.0.1'], ['node2', 'db2.example']]);
  assert.throws(() => parseHostFlags(['node1']), /--host "node1": expected node=address/);
});

test("Pacemaker 3.0.2's fencing-enabled is read as stonith-enabled; remote nodes are typed", async () => {
  const cib = await parseCib(
    '<cib><configuration><crm_config><cluster_property_set id="o"><nvpair id="f" name="fencing-enabled" value="false"/></cluster_property_set></crm_config>' +
      '<nodes><node id="1" uname="node1"/><node id="r1" uname="remote1" type="remote"/></nodes><resources/><constraints/></configuration><status/></cib>',
  );
  assert.equal(stonithEnabled(cib), false);
  assert.deepEqual(cib.nodes.map((n) => `${n.uname}:${n.type}`), ['node1:member', 'remote1:remote']);
});
