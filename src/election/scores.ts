import type { Lsn } from '../pg/lsn.js';

/**
 * Promotion scores. Pacemaker promotes the highest; the promote-time election
 * then checks real WAL positions, so scores only need to point at a good
 * candidate and rule out bad ones.
 */
export const SCORE = {
  PRIMARY: 1001,
  BEST_STANDBY: 1000,
  RANK_STEP: 10,
  LOWEST_RANKED: 10,
  /** A standby that streams but has not been ranked by the primary yet. */
  STREAMING_UNRANKED: 100,
  /** Nothing is streaming (cluster start): promotable, the election decides. */
  BOOTSTRAP: 1,
  /** In startup or base backup. */
  NOT_READY: -1,
  OVER_MAXLAG: -100,
  DISCONNECTED: -1000,
  /** Diverged history: never promote. */
  NEVER: -1_000_000,
} as const;

export interface PeerReplication {
  node: string;
  state: string;
  flushLsn: Lsn | undefined;
  lagBytes: bigint | undefined;
}

/**
 * What the primary's monitor wants each standby's score to be. Streaming
 * standbys are ranked by flushed WAL, most advanced first (PAF <= 2.3.0
 * sorted the wrong way). With a published synchronous set, only its members
 * are ranked. Nodes absent from pg_stat_replication get no
 * verdict here: `disconnectedScores` handles them with a grace period.
 */
export function rankStandbys(peers: readonly PeerReplication[], maxlag: bigint, synchronousSet?: ReadonlySet<string>): Map<string, number> {
  const scores = new Map<string, number>();
  const eligible = (p: PeerReplication) => synchronousSet === undefined || synchronousSet.size === 0 || synchronousSet.has(p.node);
  const ready = peers.filter((p) => p.state !== 'startup' && p.state !== 'backup' && eligible(p));
  for (const p of peers) if (!ready.includes(p)) scores.set(p.node, SCORE.NOT_READY);
  const ordered = [...ready].sort((a, b) => {
    const la = a.flushLsn ?? -1n;
    const lb = b.flushLsn ?? -1n;
    return la === lb ? a.node.localeCompare(b.node) : la > lb ? -1 : 1;
  });
  ordered.forEach((p, rank) => {
    const overLag = maxlag > 0n && (p.lagBytes === undefined || p.lagBytes > maxlag);
    scores.set(p.node, overLag ? SCORE.OVER_MAXLAG : Math.max(SCORE.LOWEST_RANKED, SCORE.BEST_STANDBY - rank * SCORE.RANK_STEP));
  });
  return scores;
}

/**
 * Known nodes the primary does not see replicating get DISCONNECTED, but
 * only once they have been missing for `graceMs`: right after a failover the
 * standbys need a moment to reconnect, and marking them at once (as PAF
 * does) leaves no promotable standby if a second failure follows.
 */
export function disconnectedScores(
  knownNodes: readonly string[],
  self: string,
  replicating: ReadonlySet<string>,
  missingSince: ReadonlyMap<string, number>,
  now: number,
  graceMs: number,
): { scores: Map<string, number>; missingSince: Map<string, number> } {
  const scores = new Map<string, number>();
  const stillMissing = new Map<string, number>();
  for (const node of knownNodes) {
    if (node === self || replicating.has(node)) continue;
    const since = missingSince.get(node) ?? now;
    stillMissing.set(node, since);
    if (now - since >= graceMs) scores.set(node, SCORE.DISCONNECTED);
  }
  return { scores, missingSince: stillMissing };
}

/**
 * A standby's own view: streaming makes it promotable at once, without waiting
 * for the primary's next monitor; not streaming only seeds a score when none
 * exists (cluster start), never overriding the primary's verdict.
 */
export function selfScore(streaming: boolean, current: number | undefined): number | undefined {
  if (streaming) return current === undefined || current < SCORE.LOWEST_RANKED ? SCORE.STREAMING_UNRANKED : undefined;
  return current === undefined ? SCORE.BOOTSTRAP : undefined;
}
