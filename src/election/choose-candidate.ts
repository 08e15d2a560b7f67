import { compareWalPositions, type WalPosition } from '../pg/lsn.js';

export interface Candidate {
  node: string;
  position: WalPosition;
}

/**
 * The node to promote: the highest (timeline, LSN). The designated node keeps
 * the role on a tie; another node must be strictly ahead to take it over.
 */
export function chooseCandidate(designated: Candidate, others: readonly Candidate[]): Candidate {
  return others.reduce((best, c) => (compareWalPositions(c.position, best.position) > 0 ? c : best), designated);
}
