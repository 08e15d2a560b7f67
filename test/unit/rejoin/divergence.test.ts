import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseLsn } from '../../../src/pg/lsn.js';
import { divergence, type LocalWal, type PrimaryWal } from '../../../src/rejoin/divergence.js';

const L = parseLsn;
const show = (v: unknown) => JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? x.toString(16) : x));
const S1 = L('0/30180D0');
const S2 = L('0/5000028');
const primaryTl2: PrimaryWal = { timeline: 2, history: [{ timeline: 1, switchpoint: S1 }], flushLsn: L('0/6000000') };
const primaryTl3: PrimaryWal = { timeline: 3, history: [{ timeline: 1, switchpoint: S1 }, { timeline: 2, switchpoint: S2 }], flushLsn: L('0/7000000') };
const onTl1 = (endLsn: bigint): LocalWal => ({ timeline: 1, endLsn, history: [] });

describe('divergence(local, primary)', () => {
  it('an ancestor timeline that ends before the switchpoint is compatible', () => {
    assert.deepEqual(divergence(onTl1(S1 - 0x100n), primaryTl2), { verdict: 'compatible' });
  });
  it('local WAL ending exactly at the switchpoint is compatible (the new timeline starts there)', () => {
    assert.deepEqual(divergence(onTl1(S1), primaryTl2), { verdict: 'compatible' });
  });
  it('one byte past the switchpoint has diverged, at the switchpoint', () => {
    const v = divergence(onTl1(S1 + 1n), primaryTl2);
    assert.equal(v.verdict, 'diverged');
    assert.ok(v.verdict === 'diverged' && v.forkLsn === S1 && v.forkTimeline === 1);
  });
  it('a sibling timeline unknown to the primary has diverged where it branched off', () => {
    const sibling: LocalWal = { timeline: 2, endLsn: L('0/4000000'), history: [{ timeline: 1, switchpoint: L('0/3000100') }] };
    const primary: PrimaryWal = { timeline: 3, history: [{ timeline: 1, switchpoint: L('0/3500000') }], flushLsn: L('0/5000000') };
    const v = divergence(sibling, primary);
    assert.ok(v.verdict === 'diverged', show(v));
    assert.equal(v.forkLsn, L('0/3000100'));
    assert.equal(v.forkTimeline, 2);
  });
  it('a timeline newer than the primary\'s is not decided (the primary may be the stale node)', () => {
    const v = divergence({ timeline: 5, endLsn: L('0/1000'), history: [{ timeline: 1, switchpoint: L('0/800') }] }, primaryTl3);
    assert.equal(v.verdict, 'unknown');
    assert.match(v.verdict === 'unknown' ? v.reason : '', /newer/);
  });
  it('the same timeline behind the primary is compatible; ahead of its flush position it is not decided', () => {
    const local: LocalWal = { timeline: 2, endLsn: L('0/5000000'), history: [{ timeline: 1, switchpoint: S1 }] };
    assert.deepEqual(divergence(local, primaryTl2), { verdict: 'compatible' });
    const ahead = divergence({ ...local, endLsn: L('0/6000001') }, primaryTl2);
    assert.equal(ahead.verdict, 'unknown');
    assert.match(ahead.verdict === 'unknown' ? ahead.reason : '', /past the primary's flush position/);
  });
  it('the same timeline number with another switchpoint (two independent promotions) has diverged', () => {
    const v = divergence({ timeline: 2, endLsn: L('0/6000000'), history: [{ timeline: 1, switchpoint: L('0/3100000') }] }, primaryTl2);
    assert.ok(v.verdict === 'diverged' && v.forkLsn === S1 && v.forkTimeline === 1, show(v));
  });
  it('1->2->3: a node that missed the middle failover follows when it stopped before the first switchpoint', () => {
    assert.deepEqual(divergence(onTl1(S1 - 1n), primaryTl3), { verdict: 'compatible' });
  });
  it('1->2->3: a node that missed the middle failover and wrote past the first switchpoint diverged there', () => {
    const v = divergence(onTl1(L('0/4000000')), primaryTl3);
    assert.ok(v.verdict === 'diverged' && v.forkLsn === S1 && v.forkTimeline === 1, show(v));
  });
  it('1->2->3: a node left on timeline 2 diverged at the second switchpoint only when it wrote past it', () => {
    const tl2 = (end: bigint): LocalWal => ({ timeline: 2, endLsn: end, history: [{ timeline: 1, switchpoint: S1 }] });
    assert.deepEqual(divergence(tl2(S2), primaryTl3), { verdict: 'compatible' });
    const v = divergence(tl2(S2 + 0x40n), primaryTl3);
    assert.ok(v.verdict === 'diverged' && v.forkLsn === S2 && v.forkTimeline === 2, show(v));
  });
  it('a missing local history file is not decided', () => {
    assert.equal(divergence({ timeline: 2, endLsn: L('0/4000000'), history: undefined }, primaryTl3).verdict, 'unknown');
  });
});
