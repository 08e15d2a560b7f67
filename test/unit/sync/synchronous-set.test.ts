import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  asynchronousGate,
  coveringSet,
  desiredSet,
  EMPTY_SET,
  formatPublishedSet,
  formatStandbyNames,
  goesAsynchronous,
  graceMembers,
  isLeftoverAgentSet,
  enoughCaughtUp,
  parsePublishedSet,
  planSyncStep,
  promotableMembers,
} from '../../../src/sync/synchronous-set.js';

describe('desiredSet', () => {
  it('quorum: the healthy standbys, k lowered so a dead one never blocks writes', () => {
    assert.deepEqual(desiredSet('quorum', 1, ['node2', 'node3'], ['node3', 'node2']), { quorum: 1, members: ['node2', 'node3'] });
    assert.deepEqual(desiredSet('quorum', 2, ['node2', 'node3'], ['node3']), { quorum: 1, members: ['node3'] });
    assert.deepEqual(desiredSet('quorum', 1, ['node2', 'node3'], []), EMPTY_SET);
  });
  it('strict: every standby, k as configured, so writes wait for a dead one', () => {
    assert.deepEqual(desiredSet('strict', 1, ['node3', 'node2'], ['node3']), { quorum: 1, members: ['node2', 'node3'] });
  });
  it('off: nothing', () => assert.deepEqual(desiredSet('off', 1, ['node2'], ['node2']), EMPTY_SET));
});

describe('graceMembers (right after a promotion)', () => {
  it('the other members of the published set that still run an instance', () => {
    assert.deepEqual(graceMembers({ quorum: 1, members: ['node1', 'node2'] }, ['node1', 'node2', 'node3'], 'node2'), ['node1']);
  });
  it('none published (first promotion): every other node running one, so the first commit waits under a published set', () => {
    const grace = graceMembers(EMPTY_SET, ['node1', 'node2', 'node3'], 'node1');
    assert.deepEqual(grace, ['node2', 'node3']);
    const desired = desiredSet('quorum', 1, ['node2', 'node3'], grace);
    const step = planSyncStep(EMPTY_SET, EMPTY_SET, desired);
    assert.deepEqual(step.publishBefore, { quorum: 1, members: ['node2', 'node3'] }, 'published before PostgreSQL uses it');
    assert.equal(step.standbyNames, 'ANY 1 ("node2", "node3")');
  });
  it('a member that is down is not waited for; with no member left, the other running nodes', () => {
    // node3 promoted after node2 (a member, primary since) was lost: waiting for node2 alone would hold every write.
    assert.deepEqual(graceMembers({ quorum: 1, members: ['node2', 'node3'] }, ['node1', 'node3'], 'node3'), ['node1']);
    const desired = desiredSet('quorum', 1, ['node1', 'node2'], ['node1']);
    const step = planSyncStep({ quorum: 1, members: ['node2', 'node3'] }, EMPTY_SET, desired);
    assert.deepEqual(step.publishBefore, { quorum: 1, members: ['node1', 'node2', 'node3'] }, 'node1 is published before PostgreSQL waits for it');
  });
  it('no other node running: nothing (asynchronous, said loudly by the caller)', () => {
    assert.deepEqual(graceMembers(EMPTY_SET, ['node1'], 'node1'), []);
  });
});

describe('formats', () => {
  it('writes synchronous_standby_names with quoted names', () => {
    assert.equal(formatStandbyNames({ quorum: 1, members: ['node2', 'node-3'] }), 'ANY 1 ("node2", "node-3")');
    assert.equal(formatStandbyNames(EMPTY_SET), '');
  });
  it('round-trips the published set, with the publisher\'s timeline', () => {
    const set = { quorum: 2, members: ['a', 'b', 'c'] };
    assert.deepEqual(parsePublishedSet(formatPublishedSet(set)), set);
    assert.equal(formatPublishedSet(set, 7), '2:a,b,c@7');
    assert.deepEqual(parsePublishedSet('2:a,b,c@7'), { ...set, timeline: 7 });
    assert.deepEqual(parsePublishedSet(''), EMPTY_SET);
    assert.deepEqual(parsePublishedSet(undefined), EMPTY_SET);
  });
});

describe('planSyncStep', () => {
  const both = { quorum: 1, members: ['node2', 'node3'] };
  const only3 = { quorum: 1, members: ['node3'] };
  it('growing: publishes the larger set before PostgreSQL relies on it', () => {
    const step = planSyncStep(only3, only3, both);
    assert.deepEqual(step.publishBefore, both);
    assert.equal(step.standbyNames, 'ANY 1 ("node2", "node3")');
    assert.equal(step.publishAfterCatchUp, undefined);
  });
  it('shrinking: switches PostgreSQL first, publishes the smaller set only after catch-up', () => {
    const step = planSyncStep(both, both, only3);
    assert.equal(step.publishBefore, undefined);
    assert.equal(step.standbyNames, 'ANY 1 ("node3")');
    assert.deepEqual(step.publishAfterCatchUp, only3);
    assert.deepEqual(step.publishAfterCatchUp?.members, ['node3']);
  });
  it('steady state: nothing to do', () => assert.deepEqual(planSyncStep(both, both, both), {}));
  it('first configuration from nothing', () => {
    const step = planSyncStep(EMPTY_SET, EMPTY_SET, both);
    assert.deepEqual(step.publishBefore, both);
    assert.equal(step.standbyNames, 'ANY 1 ("node2", "node3")');
  });
  it('going asynchronous keeps the last published set', () => {
    const step = planSyncStep(both, both, EMPTY_SET);
    assert.equal(step.standbyNames, '');
    assert.equal(step.publishBefore, undefined);
    assert.equal(step.publishAfterCatchUp, undefined);
  });
  it('a growth planned from a set whose shrink is still pending keeps the member that left (why the shrink goes first)', () => {
    const beforeShrink = { quorum: 1, members: ['node2', 'node3'] };
    const afterShrink = { quorum: 1, members: ['node2'] };
    const rejoined = { quorum: 1, members: ['node1', 'node2'] };
    assert.deepEqual(planSyncStep(beforeShrink, afterShrink, rejoined).publishBefore, { quorum: 1, members: ['node1', 'node2', 'node3'] });
    assert.deepEqual(planSyncStep(afterShrink, afterShrink, rejoined).publishBefore, rejoined);
  });
  it('covering set keeps the smaller quorum', () => {
    assert.deepEqual(coveringSet({ quorum: 2, members: ['a', 'b'] }, { quorum: 1, members: ['c'] }), { quorum: 1, members: ['a', 'b', 'c'] });
  });
});

describe('enoughCaughtUp', () => {
  it('needs quorum members at or past the LSN, not every member', () => {
    const anyOne = { quorum: 1, members: ['a', 'b'] };
    assert.equal(enoughCaughtUp(anyOne, new Map([['a', 10n]]), 10n), true, 'a rejoining member does not hold the shrink back');
    assert.equal(enoughCaughtUp(anyOne, new Map([['a', 9n], ['b', 3n]]), 10n), false);
    const anyTwo = { quorum: 2, members: ['a', 'b', 'c'] };
    assert.equal(enoughCaughtUp(anyTwo, new Map([['a', 10n], ['b', 12n], ['c', 1n]]), 10n), true);
    assert.equal(enoughCaughtUp(anyTwo, new Map([['a', 10n], ['b', undefined]]), 10n), false);
  });
});

describe('promotableMembers', () => {
  const set = { quorum: 1, members: ['node2', 'node3'], timeline: 3 };
  const on = (timeline: number, ...nodes: string[]) => nodes.map((node) => ({ node, timeline }));
  it('with ANY 1 of 2, both members must answer: either may hold a commit the other lacks', () => {
    assert.deepEqual(promotableMembers(set, on(3, 'node2', 'node3')), { allowed: ['node2', 'node3'], enough: true, needed: 2 });
    assert.equal(promotableMembers(set, on(3, 'node2')).enough, false);
  });
  it('with ANY 2 of 2, one member is enough', () => {
    assert.equal(promotableMembers({ quorum: 2, members: ['node2', 'node3'] }, on(3, 'node3')).enough, true);
  });
  it('excludes nodes outside the published set', () => {
    assert.deepEqual(promotableMembers(set, on(3, 'node2', 'node3', 'node4')).allowed, ['node2', 'node3']);
  });
  it('without a published set, every candidate is allowed (asynchronous rules)', () => {
    assert.equal(promotableMembers(EMPTY_SET, on(1, 'x')).enough, true);
  });
  it('one fewer when a member streamed from a primary promoted since the set was published', () => {
    // node2 was promoted (timeline 4) and lost before it published; node3 streamed its new timeline.
    assert.deepEqual(promotableMembers(set, on(4, 'node3')), { allowed: ['node3'], enough: true, needed: 1 });
    const five = { quorum: 1, members: ['a', 'b', 'c'], timeline: 3 };
    assert.equal(promotableMembers(five, on(4, 'b')).enough, false, 'ANY 1 of 3: two of them, one having streamed the new timeline');
    assert.equal(promotableMembers(five, [...on(4, 'b'), ...on(3, 'c')]).enough, true);
  });
  it('never relaxed by a non-member on a later timeline, nor for a set that records no timeline', () => {
    assert.equal(promotableMembers(set, [...on(3, 'node3'), ...on(4, 'node1')]).enough, false);
    assert.equal(promotableMembers({ quorum: 1, members: ['node2', 'node3'] }, on(9, 'node3')).enough, false);
  });
});

describe('parseStandbyNames', () => {
  it('reads back what the agent writes', async () => {
    const { parseStandbyNames } = await import('../../../src/sync/synchronous-set.js');
    assert.deepEqual(parseStandbyNames('ANY 1 ("node3", "node2")'), { quorum: 1, members: ['node2', 'node3'] });
    assert.deepEqual(parseStandbyNames(''), EMPTY_SET);
    assert.equal(parseStandbyNames('FIRST 1 (a, b)'), undefined);
    assert.equal(parseStandbyNames('*'), undefined);
  });
});

describe('isLeftoverAgentSet (sync_mode off)', () => {
  it('releases the value the agent wrote, as its mark records it', () => {
    assert.equal(isLeftoverAgentSet('ANY 1 ("node2", "node3")', 'ANY 1 ("node2", "node3")'), true);
  });
  it("leaves a DBA's own value alone: no mark, or changed since", () => {
    assert.equal(isLeftoverAgentSet('ANY 1 (node2, node3)', undefined), false);
    assert.equal(isLeftoverAgentSet('FIRST 1 (node2)', 'ANY 1 ("node2", "node3")'), false);
  });
  it('has nothing to release when PostgreSQL is asynchronous', () => assert.equal(isLeftoverAgentSet('', 'ANY 1 ("node2")'), false));
});

describe('going asynchronous (quorum mode, no healthy standby)', () => {
  const set = { quorum: 1, members: ['node2', 'node3'] };
  it('is when PostgreSQL has a set and none is desired', () => {
    assert.equal(goesAsynchronous(set, EMPTY_SET), true);
    assert.equal(goesAsynchronous(set, { quorum: 1, members: ['node3'] }), false, 'shrinking to a live member is not');
    assert.equal(goesAsynchronous(EMPTY_SET, EMPTY_SET), false, 'already asynchronous');
  });
  it('checks quorum only once corosync would have noticed a partition since the standbys were last seen', () => {
    assert.deepEqual(asynchronousGate(1_000, 5_630, 4_630, 0), { check: 'quorum' });
    assert.deepEqual(asynchronousGate(1_000, 9_000, 4_630, 0), { check: 'quorum' });
  });
  it('waits the rest when it fits in the time the monitor can spare, else leaves it to a later monitor', () => {
    assert.deepEqual(asynchronousGate(1_000, 2_000, 4_630, 6_000), { check: 'wait', ms: 3_630 });
    assert.deepEqual(asynchronousGate(1_000, 2_000, 4_630, 3_000), { check: 'later' });
    assert.deepEqual(asynchronousGate(1_000, 1_000, 4_630, 0), { check: 'later' }, 'promote never waits');
  });
});
