import { pollUntil } from '../exec/deadline.js';
import { getProcessDeadline } from '../exec/run.js';
import { chooseCandidate, type Candidate } from '../election/choose-candidate.js';
import { SCORE } from '../election/scores.js';
import { genericError } from '../ocf/exit-codes.js';
import { nodesAfterTransition, type Notification } from '../ocf/notify.js';
import { deletePrivateAttribute, queryAttributeOnAllNodes } from '../pacemaker/attributes.js';
import { compareWalPositions, formatWalPosition, parseWalPosition, type WalPosition } from '../pg/lsn.js';
import { readPublishedSet } from '../sync/cib-set.js';
import { promotableMembers } from '../sync/plan.js';
import type { AgentContext } from './context.js';
import { forceScore } from './scoring.js';
import { walPositionAttribute } from './wal-position.js';

/**
 * How long the election waits for peers' positions: they were published in
 * pre-promote, which Pacemaker completes before promote, so they normally
 * arrive within milliseconds; a peer that has not published by then has
 * failed since, and waiting longer only delays the failover.
 */
const ELECTION_WAIT_MS = 3_000;

/**
 * Before promoting, compare our WAL position with the positions the other
 * standbys published in pre-promote. If one is strictly ahead, raise its score,
 * lower ours and fail this promote so Pacemaker promotes that node instead.
 * Peers that never publish (crashed since, or a start that failed) are left
 * out after a bounded wait.
 *
 * The election consumes the positions it read: the next one waits for fresh
 * values instead of taking a peer's old one for its new one, which attrd may
 * not have passed on yet. The clearing runs while the promotion goes on:
 * `positionsCleared` is its end, for the action to await before it exits.
 */
export async function confirmBestCandidate(ctx: AgentContext, notification: Notification, own: WalPosition): Promise<{ positionsCleared: Promise<void> }> {
  // Every instance running at promote time published in pre-promote, restarted ones included:
  // leaving one out would count it as absent from the synchronous set, or ignore a better node.
  const peers = nodesAfterTransition(notification).filter((node) => node !== ctx.node);
  const attribute = walPositionAttribute(ctx.env.instance);
  if (peers.length === 0 && ctx.params.syncMode === 'off') return { positionsCleared: clearPositions(ctx, attribute, [ctx.node]) };
  const deadline = getProcessDeadline().within(Math.min(ELECTION_WAIT_MS, getProcessDeadline().remainingMs() / 3));
  let published = new Map<string, string>();
  let queryError: string | undefined;
  let lastAnswer = '';
  const started = Date.now();
  await pollUntil(deadline, 50, async () => {
    try {
      published = await queryAttributeOnAllNodes(attribute);
      lastAnswer = [...published].map(([node, value]) => `${node}=${value}`).join(' ');
      queryError = undefined;
    } catch (error) {
      queryError = error instanceof Error ? error.message : String(error);
    }
    return peers.every((node) => published.has(node)) ? true : undefined;
  });
  if (queryError) ctx.log.warning(queryError);
  if (!peers.every((node) => published.has(node))) ctx.log.warning(`attrd answered for ${attribute}: ${lastAnswer || 'nothing'}`);
  const candidates: Candidate[] = [];
  for (const node of peers) {
    const text = published.get(node);
    const position = parseWalPosition(text ?? '');
    if (position) candidates.push({ node, position });
    else ctx.log.warning(`${node} ${text === undefined ? `published no WAL position within ${Date.now() - started} ms` : `published an unreadable WAL position "${text}"`}; it is left out of the election`);
  }
  ctx.log.info(`election: ours ${formatWalPosition(own)}; ${candidates.map((c) => `${c.node} ${formatWalPosition(c.position)}`).join(', ') || 'no peer'}`);
  const positionsCleared = clearPositions(ctx, attribute, [ctx.node, ...published.keys()]);
  const self = { node: ctx.node, position: own };
  try {
    const best = ctx.params.syncMode === 'off' ? chooseCandidate(self, candidates) : await bestSynchronousCandidate(ctx, self, candidates);
    if (best.node !== ctx.node) await redirectPromotion(ctx, notification, own, best);
  } catch (error) {
    await positionsCleared;
    throw error;
  }
  return { positionsCleared };
}

/** Deletes the published positions of `nodes`; never fails (a position left behind is replaced at the next pre-promote). */
async function clearPositions(ctx: AgentContext, attribute: string, nodes: readonly string[]): Promise<void> {
  const results = await Promise.allSettled([...new Set(nodes)].map((node) => deletePrivateAttribute(attribute, node)));
  for (const r of results) if (r.status === 'rejected') ctx.log.warning(`clearing ${attribute}: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`);
}

/**
 * With sync_mode on, only members of the published synchronous set may be
 * promoted, and only when enough of them answered that one surely holds
 * every acknowledged commit; the best of those wins.
 */
async function bestSynchronousCandidate(ctx: AgentContext, self: Candidate, others: readonly Candidate[]): Promise<Candidate> {
  const published = await readPublishedSet(ctx.env.instance);
  const answered = [self, ...others];
  const { allowed, enough, needed } = promotableMembers(published, answered.map((c) => c.node));
  if (!enough) {
    throw genericError(
      `only ${allowed.length} of the synchronous standbys ${published.members.join(',')} answered, ${needed} needed: promoting could lose acknowledged commits`,
    );
  }
  const members = answered.filter((c) => allowed.includes(c.node));
  const designated = members.find((c) => c.node === self.node) ?? members[0]!;
  return chooseCandidate(designated, members.filter((c) => c !== designated));
}

async function redirectPromotion(ctx: AgentContext, notification: Notification, own: WalPosition, best: Candidate): Promise<void> {
  await forceScore(ctx, best.node, SCORE.BEST_STANDBY + 1);
  await forceScore(ctx, ctx.node, SCORE.BOOTSTRAP);
  const ahead =
    compareWalPositions(best.position, own) > 0
      ? `${best.node} is ahead (${formatWalPosition(best.position)} > ${formatWalPosition(own)})`
      : `${ctx.node} is not in the synchronous set, ${best.node} is`;
  // In a switchover the demoted primary being ahead means its shutdown checkpoint did not arrive here.
  throw genericError(
    notification.unames.demote.includes(best.node)
      ? `switchover cancelled: ${ahead}, its shutdown checkpoint never reached ${ctx.node}`
      : `${ahead}: promotion redirected to it`,
  );
}
