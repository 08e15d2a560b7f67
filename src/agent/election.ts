import { pollUntil } from '../exec/deadline.js';
import { getProcessDeadline } from '../exec/run.js';
import { chooseCandidate, type Candidate } from '../election/choose-candidate.js';
import { SCORE } from '../election/scores.js';
import { genericError } from '../ocf/exit-codes.js';
import { nodesAfterTransition, type Notification } from '../ocf/notify.js';
import { queryAttributeOnAllNodes } from '../pacemaker/attributes.js';
import { compareWalPositions, formatWalPosition, parseWalPosition, type WalPosition } from '../pg/lsn.js';
import { readPublishedSet } from '../sync/cib-set.js';
import { promotableMembers } from '../sync/plan.js';
import type { AgentContext } from './context.js';
import { forceScore } from './scoring.js';
import { walPositionAttribute } from './wal-position.js';

/** Share of the promote budget the election may spend waiting for peers' positions. */
const ELECTION_WAIT_SHARE = 0.3;

/**
 * Before promoting, compare our WAL position with the positions the other
 * standbys published in pre-promote. If one is strictly ahead, raise its score,
 * lower ours and fail this promote so Pacemaker promotes that node instead.
 * Peers that never publish (crashed since) are left out after a bounded wait.
 */
export async function confirmBestCandidate(ctx: AgentContext, notification: Notification, own: WalPosition): Promise<void> {
  const peers = nodesAfterTransition(notification).filter((node) => node !== ctx.node && notification.unames.active.includes(node));
  if (peers.length === 0 && ctx.params.syncMode === 'off') return;
  const attribute = walPositionAttribute(ctx.env.instance);
  const deadline = getProcessDeadline().within(getProcessDeadline().remainingMs() * ELECTION_WAIT_SHARE);
  let published = new Map<string, string>();
  await pollUntil(deadline, 100, async () => {
    published = await queryAttributeOnAllNodes(attribute);
    return peers.every((node) => published.has(node)) ? true : undefined;
  });
  const candidates: Candidate[] = [];
  for (const node of peers) {
    const position = parseWalPosition(published.get(node) ?? '');
    if (position) candidates.push({ node, position });
    else ctx.log.warning(`${node} published no WAL position before the deadline; it is left out of the election`);
  }
  ctx.log.info(`election: ours ${formatWalPosition(own)}; ${candidates.map((c) => `${c.node} ${formatWalPosition(c.position)}`).join(', ') || 'no peer'}`);
  const self = { node: ctx.node, position: own };
  const best = ctx.params.syncMode === 'off' ? chooseCandidate(self, candidates) : await bestSynchronousCandidate(ctx, self, candidates);
  if (best.node === ctx.node) return;
  await redirectPromotion(ctx, notification, own, best);
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
