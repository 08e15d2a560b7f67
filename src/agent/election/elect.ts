import { pollUntil } from '../../exec/deadline.js';
import { getProcessDeadline } from '../../exec/run.js';
import { chooseCandidate, redirectTargets, type Candidate } from '../../election/choose-candidate.js';
import { SCORE } from '../../election/scores.js';
import { genericError } from '../../ocf/exit-codes.js';
import { nodesAfterTransition, type Notification } from '../../ocf/notify.js';
import { deletePrivateAttribute, queryAttributeOnAllNodes } from '../../pacemaker/attributes.js';
import { redirectReason } from '../../election/redirect-residue.js';
import { compareWalPositions, formatWalPosition, type WalPosition } from '../../pg/lsn.js';
import { readPublishedSet } from '../../sync/cib-set.js';
import { promotableMembers } from '../../sync/synchronous-set.js';
import type { AgentContext } from '../context.js';
import { loadLocalState, updateLocalState } from '../local-state.js';
import { forceScore } from './publish-scores.js';
import { parsePublishedPosition, walPositionAttribute } from '../../election/wal-position.js';
import { errorMessage } from '../../common/text.js';

/**
 * How long the election waits for peers' positions: they were published in
 * pre-promote, which Pacemaker completes before promote, so they normally
 * arrive within milliseconds; a peer that has not published by then has
 * failed since, and waiting longer only delays the failover.
 */
const ELECTION_WAIT_MS = 3_000;

/** The positions the other standbys published in pre-promote, as read at promote time. */
export interface PeerPositions {
  /** The standbys expected to have published. */
  peers: string[];
  /** node -> published text, for every node attrd has a value for. */
  published: Map<string, string>;
  /** How long the reading waited for them. */
  waitedMs: number;
}

/**
 * Reads the positions the other standbys published in pre-promote. Pacemaker
 * completes pre-promote before promote, but attrd may pass a value on a few
 * milliseconds later: a peer missing is waited for, within a bound (one that
 * has not published by then has failed since). Never rejects: attrd errors are
 * logged, and the peers they hide are left out of the election.
 */
export async function readPeerPositions(ctx: AgentContext, notification: Notification): Promise<PeerPositions> {
  // Every instance running at promote time published in pre-promote, restarted ones included:
  // leaving one out would count it as absent from the synchronous set, or ignore a better node.
  const peers = nodesAfterTransition(notification).filter((node) => node !== ctx.node);
  if (peers.length === 0 && ctx.params.syncMode === 'off') return { peers, published: new Map(), waitedMs: 0 };
  const attribute = walPositionAttribute(ctx.env.instance);
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
      queryError = errorMessage(error);
    }
    return peers.every((node) => published.has(node)) ? true : undefined;
  });
  if (queryError) ctx.log.warning(queryError);
  if (!peers.every((node) => published.has(node))) ctx.log.warning(`attrd answered for ${attribute}: ${lastAnswer || 'nothing'}`);
  return { peers, published, waitedMs: Date.now() - started };
}

/**
 * Before promoting, compare our WAL position with the positions the other
 * standbys published (`readPeerPositions`). If one is strictly ahead, raise
 * its score, lower ours and fail this promote so Pacemaker promotes that node
 * instead. Peers that never published are left out.
 */
export async function confirmBestCandidate(ctx: AgentContext, notification: Notification, own: WalPosition, positions: PeerPositions): Promise<void> {
  const candidates: Candidate[] = [];
  for (const node of positions.peers) {
    const text = positions.published.get(node);
    const published = parsePublishedPosition(text ?? '');
    if (published) candidates.push({ node, ...published });
    else ctx.log.warning(`${node} ${text === undefined ? `published no WAL position within ${positions.waitedMs} ms` : `published an unreadable WAL position "${text}"`}; it is left out of the election`);
  }
  if (positions.peers.length === 0 && ctx.params.syncMode === 'off') return;
  ctx.log.info(`election: ours ${formatWalPosition(own)}; ${candidates.map((c) => `${c.node} ${formatWalPosition(c.position)}`).join(', ') || 'no peer'}`);
  const self = { node: ctx.node, position: own };
  const { targets, leftOut } = redirectTargets(candidates, (await loadLocalState(ctx.env.instance)).streamedSinceStart === true);
  for (const c of leftOut.filter((c) => compareWalPositions(c.position, own) > 0)) {
    ctx.log.warning(`${c.node} is a former primary back with WAL nobody received (${formatWalPosition(c.position)}): not waited for; that WAL is kept in its evidence archive when it rejoins`);
  }
  const best = ctx.params.syncMode === 'off' ? chooseCandidate(self, targets) : await bestSynchronousCandidate(ctx, self, targets);
  if (best.node !== ctx.node) await redirectPromotion(ctx, notification, own, best);
}

/**
 * Deletes the positions this node and its peers published: an election
 * consumes them, whatever its outcome, so the next one waits for fresh
 * values instead of taking a peer's old one that attrd has not replaced yet.
 * Never rejects (a position left behind is replaced at the next pre-promote).
 */
export async function clearPositions(ctx: AgentContext, positions: PeerPositions): Promise<void> {
  const attribute = walPositionAttribute(ctx.env.instance);
  const nodes = new Set([ctx.node, ...positions.published.keys()]);
  const results = await Promise.allSettled([...nodes].map((node) => deletePrivateAttribute(attribute, node)));
  for (const r of results) if (r.status === 'rejected') ctx.log.warning(`clearing ${attribute}: ${errorMessage(r.reason)}`);
}

/**
 * With sync_mode on, only members of the published synchronous set may be
 * promoted, and only when enough of them answered that one surely holds
 * every acknowledged commit; the best of those wins.
 */
async function bestSynchronousCandidate(ctx: AgentContext, self: Candidate, others: readonly Candidate[]): Promise<Candidate> {
  const published = await readPublishedSet(ctx.env.instance);
  const answered = [self, ...others];
  const { allowed, enough, needed } = promotableMembers(published, answered.map((c) => ({ node: c.node, timeline: c.position.timeline })));
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
  if (notification.unames.demote.includes(best.node)) throw genericError(`switchover cancelled: ${ahead}, its shutdown checkpoint never reached ${ctx.node}`);
  // Remembered so that this node's monitor clears the failed promote once the cluster has moved on.
  await updateLocalState(ctx.env.instance, async (state) => {
    state.redirected = { at: Date.now(), count: (state.redirected?.count ?? 0) + 1 };
  });
  throw genericError(redirectReason(best.node, ahead));
}
