import { compareWalPositions, type WalPosition } from '../pg/lsn.js';

export interface Candidate {
  node: string;
  position: WalPosition;
  /** A former primary back with WAL nobody received (see redirectTargets). */
  unreplicated?: boolean;
}

/**
 * The node to promote: the highest (timeline, LSN). The designated node keeps
 * the role on a tie; another node must be strictly ahead to take it over.
 */
export function chooseCandidate(designated: Candidate, others: readonly Candidate[]): Candidate {
  return others.reduce((best, c) => (compareWalPositions(c.position, best.position) > 0 ? c : best), designated);
}

/**
 * The peers a promotion may be redirected to. A former primary that came
 * back during the failover (crashed, recovered in isolation, not streamed
 * since) may be ahead only by WAL nobody received: asynchronous commits that
 * any failover made without it loses. Redirecting to it would stop and
 * restart the standby being promoted (issue 15: 37.8 s of outage instead of
 * 13.8 s), so once this node has streamed since its start (a failover, not a
 * cluster start) it is left out, and its extra WAL goes to the evidence
 * archive when it rejoins. At a cluster start no standby was running, a
 * redirect costs no restart, and the most advanced node still wins.
 * Synchronous mode never needs this: a primary is in no set it published.
 */
export function redirectTargets(peers: readonly Candidate[], streamedSinceStart: boolean): { targets: Candidate[]; leftOut: Candidate[] } {
  if (!streamedSinceStart) return { targets: [...peers], leftOut: [] };
  return { targets: peers.filter((c) => !c.unreplicated), leftOut: peers.filter((c) => c.unreplicated) };
}
