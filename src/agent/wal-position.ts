import { maxLsn, type WalPosition } from '../pg/lsn.js';
import type { LocalStatus } from '../pg/queries.js';

/**
 * Where a node's WAL ends, for the election. A standby that has not streamed
 * since it started reports its receive LSN at the start of a segment (PAF
 * #225), so the replay LSN (all local WAL is replayed at start) counts too.
 */
export function walPositionOf(status: LocalStatus): WalPosition | undefined {
  if (!status.inRecovery) return status.currentLsn === undefined ? undefined : { timeline: status.timeline, lsn: status.currentLsn };
  const lsn = maxLsn(status.receiveLsn, status.replayLsn);
  if (lsn === undefined) return undefined;
  return { timeline: Math.max(status.timeline, status.receiver?.receivedTimeline ?? 0), lsn };
}

export const walPositionAttribute = (instance: string) => `pgha-walpos-${instance}`;
