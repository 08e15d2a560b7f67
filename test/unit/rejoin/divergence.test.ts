import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseLsn } from '../../../src/pg/lsn.js';
import { DIVERGENCE_CHECK_AFTER_MS, divergence, divergenceCheckDue, trackNotStreaming, type LocalWal, type PrimaryWal } from '../../../src/rejoin/divergence.js';

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

describe('when a standby that does not stream gets its history checked', () => {
  const GAP = 30_000;
  it('not at the first monitor that finds it not streaming (a switchover or failover in progress)', () => {
    const record = trackNotStreaming(undefined, false, 1_000, GAP);
    assert.deepEqual(record, [1_000, 1_000]);
    assert.equal(divergenceCheckDue(record, 1_000), false);
  });
  it('once it has not streamed for DIVERGENCE_CHECK_AFTER_MS across monitors', () => {
    let record = trackNotStreaming(undefined, false, 0, GAP);
    record = trackNotStreaming(record, false, 4_000, GAP);
    assert.equal(divergenceCheckDue(record, 4_000), false);
    record = trackNotStreaming(record, false, DIVERGENCE_CHECK_AFTER_MS, GAP);
    assert.deepEqual(record, [0, DIVERGENCE_CHECK_AFTER_MS]);
    assert.equal(divergenceCheckDue(record, DIVERGENCE_CHECK_AFTER_MS), true);
  });
  it('streaming clears the record, and the count starts again', () => {
    assert.equal(trackNotStreaming([0, 8_000], true, 12_000, GAP), undefined);
    assert.equal(divergenceCheckDue(undefined, 12_000), false);
    assert.deepEqual(trackNotStreaming(undefined, false, 16_000, GAP), [16_000, 16_000]);
  });
  it('a record not seen for longer than the gap does not carry over (the node was primary or stopped meanwhile)', () => {
    const record = trackNotStreaming([0, 1_000], false, 1_000 + GAP + 1, GAP);
    assert.deepEqual(record, [1_000 + GAP + 1, 1_000 + GAP + 1]);
    assert.equal(divergenceCheckDue(record, 1_000 + GAP + 1), false);
  });
});
