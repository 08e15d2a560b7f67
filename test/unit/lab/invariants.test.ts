import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CASCADE_GRACE_MS, cascading, invariantViolations, localAddresses, overlappingWrites, vipOnTwo, writableRuns, type NodeSample } from '../../../src/lab/invariants.js';

const ack = (node: string, at: number, n = at): NodeSample => ({ node, start: at, end: at + 2, kind: 'ack', n, at });
const refused = (node: string, at: number, senders: string[] = []): NodeSample => ({ node, start: at, end: at + 1, kind: 'refused', inRecovery: true, senders });
const down = (node: string, at: number): NodeSample => ({ node, start: at, end: at + 1000, kind: 'down', error: 'timeout' });

describe('invariants: two writable primaries', () => {
  it('a run of acknowledgements ends at any other sample', () => {
    const runs = writableRuns([ack('node1', 0), ack('node1', 100), down('node1', 200), ack('node1', 300), refused('node1', 400), ack('node1', 500)]);
    assert.deepEqual(runs.map((r) => [r.from, r.to, r.acks]), [[0, 100, 2], [300, 300, 1], [500, 500, 1]]);
  });

  it('a failover (old primary stops acknowledging, then the new one starts) is no violation', () => {
    const samples = [ack('node1', 0), ack('node1', 100), down('node1', 200), refused('node2', 150), refused('node2', 250), ack('node2', 350), ack('node2', 450)];
    assert.deepEqual(overlappingWrites(samples), []);
  });

  it('two nodes acknowledging in the same stretch are a split brain', () => {
    const samples = [ack('node1', 0), ack('node1', 100), ack('node1', 200), ack('node2', 150), ack('node2', 250)];
    const found = overlappingWrites(samples);
    assert.equal(found.length, 1);
    assert.equal(found[0]!.kind, 'two-writable');
    assert.match(found[0]!.detail, /node1 .* node2/);
  });

  it('a single acknowledgement inside another node\'s run counts', () => {
    assert.equal(overlappingWrites([ack('node1', 0), ack('node3', 50), ack('node1', 100)]).length, 1);
  });

  it('server times order the runs, not the order the samples were printed in', () => {
    const late = { ...ack('node2', 150), start: 90 };
    assert.equal(overlappingWrites([ack('node1', 100), ack('node1', 200), late]).length, 1);
  });
});

describe('invariants: VIP and streaming', () => {
  it('the VIP on two nodes at once', () => {
    assert.deepEqual(vipOnTwo([{ at: 1, holders: ['node1'] }, { at: 2, holders: ['node1', 'node2'] }]).map((v) => v.detail), ['the VIP is on node1 and node2']);
  });

  it('a standby with standbys streaming from it while another node is primary, past the grace', () => {
    const late = CASCADE_GRACE_MS + 10;
    const samples = [ack('node1', 0), refused('node2', late, ['node3']), { ...ack('node1', late + 100), senders: ['node2'] }];
    assert.deepEqual(cascading(samples).map((v) => v.detail), ['node3 stream from node2, a standby, while node1 is primary']);
  });

  it('standbys still following the demoted node within the grace after the promotion are no violation', () => {
    const samples = [ack('node1', 0), refused('node2', CASCADE_GRACE_MS - 100, ['node3']), ack('node1', CASCADE_GRACE_MS)];
    assert.deepEqual(cascading(samples), []);
  });

  it('the new primary itself in the demoted node walsender rows is no follower', () => {
    const late = CASCADE_GRACE_MS + 10;
    const samples = [ack('node1', 0), refused('node2', late, ['node1']), ack('node1', late + 100)];
    assert.deepEqual(cascading(samples), []);
  });

  it('standbys following a demoted primary while no node is primary (promoted again in place) are no violation', () => {
    const samples = [ack('node1', 0), refused('node1', 100, ['node2', 'node3']), refused('node1', 200, ['node2', 'node3']), refused('node2', 150), ack('node1', 300)];
    assert.deepEqual(cascading(samples), []);
  });

  it('all violations in time order', () => {
    const late = CASCADE_GRACE_MS + 50;
    const v = invariantViolations([ack('node1', 40), refused('node2', late, ['node3']), ack('node1', late + 10)], [{ at: 10, holders: ['node1', 'node2'] }]);
    assert.deepEqual(v.map((x) => x.kind), ['vip-on-two', 'cascading']);
  });
});

describe('invariants: local addresses from fib_trie', () => {
  const trie = `Main:
  +-- 0.0.0.0/0 3 0 5
     +-- 10.213.7.0/24 2 0 2
        +-- 10.213.7.0/28 2 0 2
           |-- 10.213.7.0
              /24 link UNICAST
           |-- 10.213.7.11
              /32 host LOCAL
        |-- 10.213.7.100
           /32 host LOCAL
        |-- 10.213.7.255
           /32 link BROADCAST
Local:
  +-- 0.0.0.0/0 3 0 5
     |-- 10.213.7.11
        /32 host LOCAL
`;
  it('addresses with a host LOCAL route', () => {
    assert.deepEqual([...localAddresses(trie)].sort(), ['10.213.7.100', '10.213.7.11']);
  });

  it('a leaf with two entries, LOCAL second', () => {
    assert.deepEqual([...localAddresses('|-- 10.0.0.5\n  /24 link UNICAST\n  /32 host LOCAL\n')], ['10.0.0.5']);
  });

  it('nothing in an empty table', () => {
    assert.equal(localAddresses('').size, 0);
  });
});
