import { getPromotionScore, setPromotionScore } from '../../pacemaker/attributes.js';
import { disconnectedScores, rankStandbys, SCORE, selfScore } from '../../election/scores.js';
import type { ReplicationPeer, LocalStatus } from '../../pg/queries.js';
import { EMPTY_SET, type SyncSet } from '../../sync/synchronous-set.js';
import type { AgentContext } from '../context.js';
import { scoreIsCurrent, updateLocalState, type LocalState } from '../local-state.js';
import { errorMessage } from '../../common/text.js';

/** How long a known standby may be absent from pg_stat_replication before it is marked disconnected. */
export const RECONNECT_GRACE_MS = 30_000;

/**
 * Writes the scores that changed (or are due for a refresh), remembering
 * them in the local state; a steady-state monitor starts no process. A write
 * failure (cluster unreachable) is logged, never fatal to the action.
 */
async function publishScores(ctx: AgentContext, state: LocalState, wanted: Map<string, number>): Promise<void> {
  const now = Date.now();
  for (const [node, score] of wanted) {
    if (scoreIsCurrent(state, node, score, now)) continue;
    try {
      await setPromotionScore(ctx.env.instance, score, node === ctx.node ? undefined : node);
      state.scores[node] = [score, now];
      ctx.log.info(`promotion score of ${node} set to ${score}`);
    } catch (error) {
      ctx.log.warning(errorMessage(error));
    }
  }
}

/** The primary ranks every standby it sees and, after a grace period, marks the missing ones. */
export async function scoreFromPrimary(ctx: AgentContext, peers: readonly ReplicationPeer[], synchronousSet: SyncSet = EMPTY_SET): Promise<void> {
  await updateLocalState(ctx.env.instance, async (state) => {
    const byNode = peers.filter((p) => p.applicationName !== ctx.node);
    const wanted = rankStandbys(
      byNode.map((p) => ({ node: p.applicationName, state: p.state, flushLsn: p.flushLsn, lagBytes: p.lagBytes })),
      ctx.params.maxlag,
      new Set(synchronousSet.members),
    );
    wanted.set(ctx.node, SCORE.PRIMARY);
    const known = [...new Set([...state.nodes, ...Object.keys(state.scores)])];
    const missing = disconnectedScores(known, ctx.node, new Set(byNode.map((p) => p.applicationName)), new Map(Object.entries(state.missingSince)), Date.now(), RECONNECT_GRACE_MS);
    for (const [node, score] of missing.scores) wanted.set(node, score);
    state.missingSince = Object.fromEntries(missing.missingSince);
    await publishScores(ctx, state, wanted);
  });
}

/** A standby scores itself: promotable as soon as it streams; a seed score when the cluster has none. */
export async function scoreFromStandby(ctx: AgentContext, status: LocalStatus | undefined): Promise<void> {
  await updateLocalState(ctx.env.instance, (state) => scoreStandby(ctx, status, state));
}

/** scoreFromStandby on a local state the caller loaded (and writes back). */
export async function scoreStandby(ctx: AgentContext, status: LocalStatus | undefined, state: LocalState): Promise<void> {
  const streaming = status?.receiver?.status === 'streaming';
  const cached = state.scores[ctx.node];
  // A low cached score may have been raised by the primary's ranking since: only a ranked one is trusted.
  const fresh = cached !== undefined && Date.now() - cached[1] < 60_000 && cached[0] >= SCORE.LOWEST_RANKED;
  let current: number | undefined;
  try {
    current = fresh ? cached[0] : await getPromotionScore(ctx.env.instance, ctx.node);
  } catch (error) {
    // Unknown is not unset: a score written on a guess could replace the primary's ranking mid-failover.
    ctx.log.warning(`promotion score left as it is: ${errorMessage(error)}`);
    return;
  }
  const wanted = selfScore(streaming, current);
  if (wanted === undefined) {
    if (current !== undefined && !fresh) state.scores[ctx.node] = [current, Date.now()];
  } else {
    await publishScores(ctx, state, new Map([[ctx.node, wanted]]));
  }
}

/**
 * After start or demote: the standby scores itself, unless this same transition
 * promotes it next (a recovery in place), where a score change would abort the
 * transition and make Pacemaker choose a new primary from scratch.
 */
export async function scoreAsStandbyUnlessPromotedNext(ctx: AgentContext, status: LocalStatus | undefined): Promise<void> {
  if (ctx.env.notification?.unames.promote.includes(ctx.node)) return;
  await scoreFromStandby(ctx, status);
}

/** Forces a score now (promote, stop, election redirect), keeping the local state in step. */
export async function forceScore(ctx: AgentContext, node: string, score: number): Promise<void> {
  await updateLocalState(ctx.env.instance, async (state) => {
    delete state.scores[node];
    await publishScores(ctx, state, new Map([[node, score]]));
  });
}
