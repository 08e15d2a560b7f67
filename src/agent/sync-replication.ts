import { getProcessDeadline, run } from '../exec/run.js';
import { sleep } from '../exec/deadline.js';
import { readMembershipSettleMs, readPartitionQuorate } from '../pacemaker/cluster-tools.js';
import type { LocalStatus, ReplicationPeer } from '../pg/queries.js';
import { withConnection } from '../pg/sql.js';
import { publishSet, readPublishedSet } from '../sync/cib-set.js';
import {
  asynchronousGate,
  desiredSet,
  EMPTY_SET,
  formatPublishedSet,
  formatStandbyNames,
  goesAsynchronous,
  graceMembers,
  isLeftoverAgentSet,
  enoughCaughtUp,
  parsePublishedSet,
  parseStandbyNames,
  planSyncStep,
  type PublishedSet,
  type SyncSet,
} from '../sync/synchronous-set.js';
import { readAgentMark, setStandbyNames } from '../sync/standby-names.js';
import type { AgentContext } from './context.js';
import { updateLocalState, type LocalState } from './local-state.js';

/** After a promotion, the previous synchronous standbys get this long to reconnect before quorum mode drops them. */
export const SYNC_RECONNECT_GRACE_MS = 15_000;
const PUBLISHED_CACHE_MS = 60_000;
/** Corosync's default timeouts on five nodes take about 12 s to form a new membership: used when its own cannot be read. */
const FALLBACK_SETTLE_MS = 15_000;
/** What a monitor keeps for the quorum check and the rest of its work after waiting out corosync. */
const AFTER_SETTLE_RESERVE_MS = 3_000;

/**
 * The primary's side of sync_mode, once per monitor (and right after
 * promote): keep synchronous_standby_names on the healthy standbys (quorum)
 * or all of them (strict), publishing the set in the CIB before PostgreSQL
 * relies on a larger one and only after catch-up when it shrinks. Returns the
 * published set, which decides who may be promoted. `primary` is this
 * instance's status, read before `peers` (its WAL position and timeline).
 *
 * A pending shrink is applied before the next step is planned: planned from
 * the larger set, a growth (a standby rejoining) would publish the union and
 * keep a member that already left, possibly this node itself from before its
 * promotion; a set naming the dead primary cannot be satisfied at the next
 * promotion with ANY 1, and the cluster would be left without a primary.
 */
export async function manageSynchronousReplication(
  ctx: AgentContext,
  peers: readonly ReplicationPeer[],
  primary: Pick<LocalStatus, 'synchronousStandbyNames' | 'currentLsn' | 'timeline'> | undefined,
  { mayWaitForMembership }: { mayWaitForMembership: boolean },
): Promise<SyncSet> {
  const currentNames = primary?.synchronousStandbyNames ?? '';
  const currentLsn = primary?.currentLsn;
  const timeline = primary?.timeline;
  if (ctx.params.syncMode === 'off') {
    // The common case (PostgreSQL asynchronous) reads nothing.
    if (currentNames.trim() !== '') await releaseLeftoverSet(ctx, currentNames);
    return EMPTY_SET;
  }
  return updateLocalState(ctx.env.instance, async (state) => {
    let published = await publishedSet(ctx, state);
    if (state.pendingShrink) published = await publishShrinkWhenCaughtUp(ctx, state, peers, published, timeline);
    const now = Date.now();
    const standbys = [...new Set([...state.instanceNodes, ...published.members])].filter((n) => n !== ctx.node);
    const healthy = new Set(peers.filter((p) => p.state === 'streaming' && standbys.includes(p.applicationName)).map((p) => p.applicationName));
    if (state.promotedAt !== undefined && now - state.promotedAt < SYNC_RECONNECT_GRACE_MS) {
      for (const member of graceMembers(published, state.runningAtPromotion ?? standbys, ctx.node)) healthy.add(member);
    }
    const desired = desiredSet(ctx.params.syncMode, ctx.params.syncCount, standbys, [...healthy]);
    const current = parseStandbyNames(currentNames) ?? { quorum: -1, members: [] };
    if (!goesAsynchronous(current, desired)) state.noStandbySince = undefined;
    // Writes keep waiting for the set PostgreSQL has until it is safe not to.
    else if (!(await quorumAllowsAsynchronous(ctx, state, mayWaitForMembership))) return published;
    const step = planSyncStep(published, current, desired);

    if (step.publishBefore) {
      await publishSet(ctx.env.instance, step.publishBefore, timeline);
      published = step.publishBefore;
      state.publishedSet = [formatPublishedSet(published, timeline), now];
      ctx.log.info(`published synchronous set ${formatPublishedSet(published)}`);
    }
    if (step.standbyNames !== undefined) {
      const lsn = await withConnection(ctx.connection, (client) => setStandbyNames(client, step.standbyNames!, ctx.params.datadir));
      state.pendingShrink = step.publishAfterCatchUp ? { set: formatPublishedSet(step.publishAfterCatchUp), lsn: lsn.toString() } : undefined;
      if (desired.members.length === 0) ctx.log.warning('no healthy standby: writes continue WITHOUT synchronous protection (sync_mode=quorum)');
      else ctx.log.info(`synchronous_standby_names = ${formatStandbyNames(desired)}`);
    } else if (step.publishAfterCatchUp && !state.pendingShrink && currentLsn !== undefined) {
      // PostgreSQL already uses the smaller set (inherited at promotion): its members must still
      // hold what the larger one covered, all of which lies before this primary's current position.
      state.pendingShrink = { set: formatPublishedSet(step.publishAfterCatchUp), lsn: currentLsn.toString() };
    }
    if (state.pendingShrink) published = await publishShrinkWhenCaughtUp(ctx, state, peers, published, timeline);
    return published;
  });
}

/**
 * No healthy standby is left (quorum mode): whether PostgreSQL may stop
 * waiting for one (asynchronousGate). `mayWait`: a monitor may spend its
 * spare time waiting out corosync; promote never does, since the VIP starts
 * only after it.
 */
async function quorumAllowsAsynchronous(ctx: AgentContext, state: LocalState, mayWait: boolean): Promise<boolean> {
  const now = Date.now();
  const since = (state.noStandbySince ??= now);
  const settleMs = (await readMembershipSettleMs(run)) ?? FALLBACK_SETTLE_MS;
  const spareMs = mayWait ? getProcessDeadline().remainingMs() - AFTER_SETTLE_RESERVE_MS : 0;
  const gate = asynchronousGate(since, now, settleMs, spareMs);
  if (gate.check === 'later') {
    ctx.log.info(`no healthy standby for ${now - since} ms: writes wait for the synchronous set until corosync would have noticed a partition (${settleMs} ms), then for quorum`);
    return false;
  }
  if (gate.check === 'wait') await sleep(gate.ms);
  const quorate = await readPartitionQuorate(run);
  if (quorate === true) return true;
  ctx.log.warning(`no healthy standby, and this partition ${quorate === false ? 'has no quorum' : 'cannot tell whether it has quorum'}: writes wait for the synchronous set`);
  return false;
}

/**
 * sync_mode is off and PostgreSQL still uses the set this agent kept (the
 * mode was switched, or this instance was cloned from a primary that had
 * one): the set goes, in PostgreSQL first, then in the CIB.
 */
async function releaseLeftoverSet(ctx: AgentContext, currentNames: string): Promise<void> {
  if (!isLeftoverAgentSet(currentNames, await readAgentMark(ctx.params.datadir))) return;
  await withConnection(ctx.connection, (client) => setStandbyNames(client, '', ctx.params.datadir));
  await updateLocalState(ctx.env.instance, async (state) => {
    // A CIB write during promote would abort the transition: only when there is a set to withdraw.
    if ((await publishedSet(ctx, state)).members.length > 0) await publishSet(ctx.env.instance, EMPTY_SET);
    state.publishedSet = ['', Date.now()];
    state.pendingShrink = undefined;
  });
  ctx.log.warning(`sync_mode=off: synchronous_standby_names (${currentNames}) cleared; commits are acknowledged without waiting for any standby`);
}

async function publishedSet(ctx: AgentContext, state: LocalState): Promise<PublishedSet> {
  const cached = state.publishedSet;
  if (cached && Date.now() - cached[1] < PUBLISHED_CACHE_MS) return parsePublishedSet(cached[0]);
  const set = await readPublishedSet(ctx.env.instance);
  state.publishedSet = [formatPublishedSet(set, set.timeline), Date.now()];
  return set;
}

async function publishShrinkWhenCaughtUp(
  ctx: AgentContext,
  state: LocalState,
  peers: readonly ReplicationPeer[],
  published: SyncSet,
  timeline: number | undefined,
): Promise<SyncSet> {
  const pending = state.pendingShrink!;
  const target = parsePublishedSet(pending.set);
  const flushed = new Map(peers.map((p) => [p.applicationName, p.flushLsn]));
  if (!enoughCaughtUp(target, flushed, BigInt(pending.lsn))) return published;
  await publishSet(ctx.env.instance, target, timeline);
  state.publishedSet = [formatPublishedSet(target, timeline), Date.now()];
  state.pendingShrink = undefined;
  ctx.log.info(`published synchronous set ${pending.set}: its members hold every commit acknowledged under the larger set`);
  return target;
}

/**
 * Records a promotion, so the previous synchronous standbys get their
 * reconnect grace; `running`: the nodes that run an instance once the
 * promoting transition is over (from its notification), the only ones worth
 * waiting for.
 */
export async function rememberPromotion(ctx: AgentContext, running: string[] | undefined): Promise<void> {
  await updateLocalState(ctx.env.instance, async (state) => {
    state.promotedAt = Date.now();
    state.runningAtPromotion = running;
    state.publishedSet = undefined;
    state.pendingShrink = undefined;
    // Standbys missed in an earlier term as primary say nothing about this one.
    state.noStandbySince = undefined;
  });
}
