import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseCandidate, redirectTargets } from '../../../src/election/choose-candidate.js';
import { disconnectedScores, rankStandbys, SCORE, selfScore } from '../../../src/election/scores.js';
import { compareWalPositions, formatLsn, parseLsn, parseWalPosition } from '../../../src/pg/lsn.js';
import { formatPublishedPosition, parsePublishedPosition, walPositionOf } from '../../../src/election/wal-position.js';
import { timelineOfSegment } from '../../../src/pg/wal-files.js';

describe('LSN arithmetic', () => {
  it('parses and formats exactly, beyond 2^53', () => {
    assert.equal(parseLsn('FFFFFFFF/FFFFFFFF'), 0xffffffffffffffffn);
    assert.equal(formatLsn(parseLsn('1A/2B0')), '1A/2B0');
    assert.throws(() => parseLsn('12345'));
  });
  it('orders positions by timeline, then LSN', () => {
    assert.ok(compareWalPositions({ timeline: 3, lsn: 1n }, { timeline: 2, lsn: 100n }) > 0);
    assert.ok(compareWalPositions({ timeline: 2, lsn: 1n }, { timeline: 2, lsn: 100n }) < 0);
    assert.deepEqual(parseWalPosition('2#0/3000060'), { timeline: 2, lsn: 0x3000060n });
    assert.equal(parseWalPosition('garbage'), undefined);
  });
});

describe('chooseCandidate', () => {
  const me = { node: 'node2', position: { timeline: 2, lsn: 500n } };
  it('keeps the designated node on a tie', () => {
    assert.equal(chooseCandidate(me, [{ node: 'node3', position: { timeline: 2, lsn: 500n } }]).node, 'node2');
  });
  it('redirects to a node strictly ahead on the same timeline', () => {
    assert.equal(chooseCandidate(me, [{ node: 'node3', position: { timeline: 2, lsn: 501n } }]).node, 'node3');
  });
  it('prefers a higher timeline over a higher LSN', () => {
    assert.equal(chooseCandidate(me, [{ node: 'node3', position: { timeline: 1, lsn: 9999n } }, { node: 'node1', position: { timeline: 3, lsn: 1n } }]).node, 'node1');
  });
});

describe('rankStandbys', () => {
  it('ranks the most advanced standby highest (PAF <= 2.3.0 sorted ascending)', () => {
    const scores = rankStandbys(
      [
        { node: 'node2', state: 'streaming', flushLsn: 100n, lagBytes: 50n },
        { node: 'node3', state: 'streaming', flushLsn: 150n, lagBytes: 0n },
      ],
      0n,
    );
    assert.equal(scores.get('node3'), SCORE.BEST_STANDBY);
    assert.equal(scores.get('node2'), SCORE.BEST_STANDBY - SCORE.RANK_STEP);
  });
  it('in synchronous mode, forbids standbys outside the published set (they may lack acknowledged commits)', () => {
    const scores = rankStandbys(
      [
        { node: 'node2', state: 'streaming', flushLsn: 100n, lagBytes: 0n },
        { node: 'node3', state: 'streaming', flushLsn: 150n, lagBytes: 0n },
      ],
      0n,
      new Set(['node2']),
    );
    assert.equal(scores.get('node2'), SCORE.BEST_STANDBY);
    assert.equal(scores.get('node3'), SCORE.NOT_READY);
  });
  it('forbids standbys in startup or backup, and those over maxlag', () => {
    const scores = rankStandbys(
      [
        { node: 'node2', state: 'startup', flushLsn: undefined, lagBytes: undefined },
        { node: 'node3', state: 'streaming', flushLsn: 10n, lagBytes: 5000n },
        { node: 'node4', state: 'streaming', flushLsn: 12n, lagBytes: 10n },
      ],
      1000n,
    );
    assert.equal(scores.get('node2'), SCORE.NOT_READY);
    assert.equal(scores.get('node3'), SCORE.OVER_MAXLAG);
    assert.equal(scores.get('node4'), SCORE.BEST_STANDBY);
  });
});

describe('disconnectedScores', () => {
  it('marks a missing standby only after the grace period', () => {
    const first = disconnectedScores(['node1', 'node2', 'node3'], 'node1', new Set(['node2']), new Map(), 1_000, 30_000);
    assert.equal(first.scores.size, 0);
    assert.equal(first.missingSince.get('node3'), 1_000);
    const later = disconnectedScores(['node1', 'node2', 'node3'], 'node1', new Set(['node2']), first.missingSince, 31_000, 30_000);
    assert.equal(later.scores.get('node3'), SCORE.DISCONNECTED);
  });
  it('forgets a standby once it replicates again', () => {
    const back = disconnectedScores(['node1', 'node3'], 'node1', new Set(['node3']), new Map([['node3', 0]]), 99_000, 30_000);
    assert.equal(back.missingSince.size, 0);
    assert.equal(back.scores.size, 0);
  });
});

describe('selfScore', () => {
  it('makes a streaming standby promotable at once', () => {
    assert.equal(selfScore(true, undefined), SCORE.STREAMING_UNRANKED);
    assert.equal(selfScore(true, SCORE.DISCONNECTED), SCORE.STREAMING_UNRANKED);
    assert.equal(selfScore(true, 990), undefined);
  });
  it('seeds a score only when none exists, never overriding the primary', () => {
    assert.equal(selfScore(false, undefined), SCORE.BOOTSTRAP);
    assert.equal(selfScore(false, SCORE.DISCONNECTED), undefined);
  });
});

describe('walPositionOf', () => {
  const base = { inRecovery: true, currentLsn: undefined, timeline: 1, receiver: undefined, connectingReceiver: undefined, synchronousStandbyNames: '' };
  it('uses the replay LSN when the receive LSN sits at a segment start after a restart (PAF #225)', () => {
    const p = walPositionOf({ ...base, receiveLsn: 0x3000000n, replayLsn: 0x30000a0n });
    assert.deepEqual(p, { timeline: 1, lsn: 0x30000a0n });
  });
  it("takes the receiver's timeline when it is ahead of the last restartpoint", () => {
    const p = walPositionOf({ ...base, receiveLsn: 0x5000000n, replayLsn: 0x4000000n, receiver: { status: 'streaming', receivedTimeline: 3, flushedLsn: 0x5000000n, senderHost: 'vip' } });
    assert.deepEqual(p, { timeline: 3, lsn: 0x5000000n });
  });
  it("takes the timeline of its WAL files when the receiver is gone and pg_control still names the old one", () => {
    const p = walPositionOf({ ...base, receiveLsn: 0x30181b0n, replayLsn: 0x3018228n }, 2);
    assert.deepEqual(p, { timeline: 2, lsn: 0x3018228n });
  });
  it('is the current LSN on a primary', () => {
    assert.deepEqual(walPositionOf({ ...base, inRecovery: false, currentLsn: 42n, receiveLsn: undefined, replayLsn: undefined, timeline: 4 }), { timeline: 4, lsn: 42n });
  });
});

describe('timelineOfSegment', () => {
  const size = 16n * 1024n * 1024n;
  it('is the highest timeline holding the segment with the last replayed byte', () => {
    const names = ['000000010000000000000003', '000000020000000000000003', '000000010000000000000002'];
    assert.equal(timelineOfSegment(names, 0x3018228n, size), 2);
  });
  it('does not credit a standby with a timeline whose segments it never received (diverged)', () => {
    assert.equal(timelineOfSegment(['000000010000000000000003'], 0x3018228n, size), 1);
  });
  it('looks at the segment of the last byte when the position sits on a segment boundary', () => {
    assert.equal(timelineOfSegment(['000000020000000000000003', '000000010000000000000004'], 0x4000000n, size), 2);
  });
  it('is undefined when no file holds that segment', () => assert.equal(timelineOfSegment(['000000010000000000000001'], 0x3000100n, size), undefined));
});

describe('redirectTargets (a former primary back during a failover)', () => {
  const back = { node: 'node1', position: { timeline: 2, lsn: 900n }, unreplicated: true };
  const standby = { node: 'node3', position: { timeline: 2, lsn: 500n } };
  it('leaves it out once this node has streamed since its start: the failover goes on without a restart', () => {
    assert.deepEqual(redirectTargets([back, standby], true), { targets: [standby], leftOut: [back] });
    assert.equal(chooseCandidate({ node: 'node2', position: { timeline: 2, lsn: 400n } }, redirectTargets([back, standby], true).targets).node, 'node3');
  });
  it('keeps it at a cluster start, where the most advanced node still wins', () => {
    assert.equal(chooseCandidate({ node: 'node2', position: { timeline: 2, lsn: 400n } }, redirectTargets([back, standby], false).targets).node, 'node1');
  });
});

describe('published positions', () => {
  it('round-trip, with the mark of unreplicated WAL', () => {
    const position = { timeline: 3, lsn: 0x3000060n };
    assert.equal(formatPublishedPosition(position, true), '3#0/3000060 unreplicated');
    assert.deepEqual(parsePublishedPosition('3#0/3000060 unreplicated'), { position, unreplicated: true });
    assert.deepEqual(parsePublishedPosition('3#0/3000060'), { position, unreplicated: false });
    assert.equal(parsePublishedPosition('3#garbage unreplicated'), undefined);
  });
});
