import { pollUntil } from '../exec/deadline.js';
import { getProcessDeadline } from '../exec/run.js';
import { chooseCandidate, type Candidate } from '../election/choose-candidate.js';
import { SCORE } from '../election/scores.js';
import { genericError } from '../ocf/exit-codes.js';
import { nodesAfterTransition, type Notification } from '../ocf/notify.js';
import { queryAttributeOnAllNodes } from '../pacemaker/attributes.js';
import { formatWalPosition, parseWalPosition, type WalPosition } from '../pg/lsn.js';
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
  if (peers.length === 0) return;
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
  const best = chooseCandidate({ node: ctx.node, position: own }, candidates);
  ctx.log.info(`election: ours ${formatWalPosition(own)}; ${candidates.map((c) => `${c.node} ${formatWalPosition(c.position)}`).join(', ') || 'no peer'}`);
  if (best.node === ctx.node) return;
  await forceScore(ctx, best.node, SCORE.BEST_STANDBY + 1);
  await forceScore(ctx, ctx.node, SCORE.BOOTSTRAP);
  const ahead = `${best.node} is ahead (${formatWalPosition(best.position)} > ${formatWalPosition(own)})`;
  // In a switchover the demoted primary being ahead means its shutdown checkpoint did not arrive here.
  throw genericError(
    notification.unames.demote.includes(best.node)
      ? `switchover cancelled: ${ahead}, its shutdown checkpoint never reached ${ctx.node}`
      : `${ahead}: promotion redirected to it`,
  );
}
