import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { flattenCmapctl, membershipSettleMs, parseQuorate } from '../../../src/pacemaker/corosync.js';

const quorumtool = (quorate: 'Yes' | 'No') => `Quorum information
------------------
Date:             Thu Dec  3 11:49:00 2026
Quorum provider:  corosync_votequorum
Nodes:            1
Node ID:          3
Ring ID:          3.e
Quorate:          ${quorate}

Votequorum information
----------------------
Expected votes:   3
Total votes:      1
Quorum:           2 ${quorate === 'No' ? 'Activity blocked' : ''}
Flags:            ${quorate === 'Yes' ? 'Quorate' : ''}
`;

describe('parseQuorate (corosync-quorumtool -s)', () => {
  it('reads the Quorate line', () => {
    assert.equal(parseQuorate(quorumtool('Yes')), true);
    assert.equal(parseQuorate(quorumtool('No')), false);
  });
  it('says nothing when corosync did not answer with a status', () => {
    assert.equal(parseQuorate('Cannot initialize QUORUM service\n'), undefined);
    assert.equal(parseQuorate('Flags: Quorate\n'), undefined);
  });
});

describe('membershipSettleMs (corosync-cmapctl -b runtime.config.totem)', () => {
  const cmap = (token: string, consensus: string) =>
    flattenCmapctl([
      `runtime.config.totem.consensus (u32) = ${consensus}`,
      'runtime.config.totem.join (u32) = 50',
      'runtime.config.totem.hold (u32) = 303',
      `runtime.config.totem.token (u32) = ${token}`,
    ].join('\n'));
  it('the running token timeout, then consensus, then the join and the protocol rounds', () => {
    assert.equal(membershipSettleMs(cmap('1650', '1980')), 1650 + 1980 + 50 + 1000);
    // Corosync's defaults on three nodes: token 3000 + 650 (token_coefficient), consensus 1.2 x token.
    assert.equal(membershipSettleMs(cmap('3650', '4380')), 3650 + 4380 + 50 + 1000);
  });
  it('undefined without both timeouts', () => {
    assert.equal(membershipSettleMs(cmap('', '1980')), undefined);
    assert.equal(membershipSettleMs(flattenCmapctl('runtime.config.totem.token (u32) = 1650')), undefined);
  });
});
