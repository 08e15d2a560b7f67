import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { synSentSocketInodes } from '../../../src/pg/wal-receiver-connect.js';

// Captured from /proc/net/tcp while a connection to an address that drops every frame was pending.
const PROC_NET_TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000   107        0 41021 1 0000000000000000 100 0 0 10 0
   1: 0162D50A:CF9E 0262D50A:1538 02 00000001:00000000 01:00000000 00000000     0        0 3992724 2 00000000fa4aa919 100 0 0 10 -1
   2: 0100007F:1538 0100007F:A2C4 01 00000000:00000000 00:00000000 00000000   107        0 52311 1 0000000000000000 20 4 30 10 -1
`;

describe('synSentSocketInodes', () => {
  it('finds the sockets still waiting for the answer to their SYN, and only those', () => {
    assert.deepEqual([...synSentSocketInodes(PROC_NET_TCP)], ['3992724']);
  });
  it('reads an empty or missing table as none', () => {
    assert.equal(synSentSocketInodes('').size, 0);
    assert.equal(synSentSocketInodes(PROC_NET_TCP.split('\n')[0]!).size, 0);
  });
});
