import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CLIENT_NETNS, SWITCH_NETNS, labLayout, labNetnsNames, nodeLayout } from '../../../src/lab/layout.ts';
import { corosyncConf } from '../../../src/lab/corosync-conf.ts';
import { networkCommands } from '../../../src/lab/network.ts';

describe('lab layout', () => {
  it('numbers nodes from 1 with .1x addresses and pgha- namespaces', () => {
    assert.deepEqual(nodeLayout(3), { name: 'node3', id: 3, netns: 'pgha-node3', ip: '10.213.7.13', switchPort: 'p-node3' });
    assert.deepEqual(labLayout(3).map((n) => n.ip), ['10.213.7.11', '10.213.7.12', '10.213.7.13']);
  });

  it('refuses node counts outside 2..9', () => {
    assert.throws(() => labLayout(1), RangeError);
    assert.throws(() => labLayout(10), RangeError);
    assert.throws(() => labLayout(2.5), RangeError);
  });

  it('lists every namespace it owns, all prefixed pgha-', () => {
    const names = labNetnsNames(labLayout(2));
    assert.deepEqual(names, ['pgha-node1', 'pgha-node2', CLIENT_NETNS, SWITCH_NETNS]);
    assert.ok(names.every((n) => n.startsWith('pgha-')));
  });
});

describe('corosync.conf', () => {
  it('uses knet, token 1000, no crypto, one multi-line node block per node', () => {
    const text = corosyncConf(labLayout(3));
    assert.match(text, /transport: knet/);
    assert.match(text, /token: 1000/);
    assert.match(text, /crypto_cipher: none/);
    assert.equal(text.match(/^ {4}node \{$/gm)?.length, 3);
    assert.match(text, /ring0_addr: 10\.213\.7\.12\n {8}name: node2\n {8}nodeid: 2/);
    assert.doesNotMatch(text, /\{[^\n]+\}/, 'no single-line blocks');
    assert.doesNotMatch(text, /two_node/);
  });

  it('sets two_node for a 2-node lab only', () => {
    assert.match(corosyncConf(labLayout(2)), /two_node: 1/);
  });
});

describe('network commands', () => {
  it('creates every veth end inside lab namespaces, never in the host', () => {
    const cmds = networkCommands(labLayout(3));
    for (const argv of cmds) {
      const inLabNs = argv[1] === '-n' && argv[2]!.startsWith('pgha-');
      const addNs = argv[1] === 'netns' && argv[2] === 'add' && argv[3]!.startsWith('pgha-');
      assert.ok(inLabNs || addNs, `host-level command: ${argv.join(' ')}`);
    }
    const veths = cmds.filter((c) => c.includes('veth'));
    assert.equal(veths.length, 4, 'three nodes and the client');
    assert.deepEqual(veths[0], ['ip', '-n', 'pgha-sw', 'link', 'add', 'p-node1', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', 'pgha-node1']);
    assert.ok(cmds.some((c) => c.join(' ') === 'ip -n pgha-client addr add 10.213.7.200/24 dev eth0'));
  });
});
