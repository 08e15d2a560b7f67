import { formatLsn, type Lsn } from '../pg/lsn.js';
import type { TimelineSwitch } from '../pg/timeline-history.js';

/** The local instance's WAL: its timeline, the history of that timeline, and where its WAL ends. */
export interface LocalWal {
  timeline: number;
  /** Exclusive end: the local WAL holds something at endLsn - 1 and nothing at endLsn or later. */
  endLsn: Lsn;
  /** The local history of `timeline` ([] for timeline 1); undefined when its history file is missing. */
  history: readonly TimelineSwitch[] | undefined;
}

/** The current primary as IDENTIFY_SYSTEM and TIMELINE_HISTORY describe it. */
export interface PrimaryWal {
  timeline: number;
  history: readonly TimelineSwitch[];
  flushLsn: Lsn;
}

export type Divergence =
  | { verdict: 'compatible' }
  /** forkLsn: where the histories part; forkTimeline: the local timeline whose WAL from forkLsn on is not in the primary's history. */
  | { verdict: 'diverged'; forkLsn: Lsn; forkTimeline: number; reason: string }
  | { verdict: 'unknown'; reason: string };

/** Which timeline a lineage (history + current timeline) uses at `lsn`: the first whose switchpoint lies after it. */
function timelineAt(history: readonly TimelineSwitch[], current: number, lsn: Lsn): number {
  return history.find((s) => lsn < s.switchpoint)?.timeline ?? current;
}

/**
 * Can the local instance stream from the primary as it is? Its WAL must be
 * a prefix of the primary's history: at every position it holds, both use
 * the same timeline. The first position where they differ is the fork point;
 * local WAL from there on would be silently kept by a standby that cannot
 * follow (PAF #15/#123), so the instance has diverged.
 * Not decided (unknown) when the local timeline is newer than the primary's
 * (the primary may be the stale one), when the local WAL goes past the
 * primary's on the same timeline, or when the local history is missing.
 */
export function divergence(local: LocalWal, primary: PrimaryWal): Divergence {
  if (local.timeline > primary.timeline) {
    return { verdict: 'unknown', reason: `local timeline ${local.timeline} is newer than the primary's ${primary.timeline}: the primary may be the stale node` };
  }
  if (local.history === undefined) return { verdict: 'unknown', reason: `the history file of local timeline ${local.timeline} is missing` };
  const boundaries = [0n, ...local.history.map((s) => s.switchpoint), ...primary.history.map((s) => s.switchpoint)]
    .filter((b) => b < local.endLsn)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const b of boundaries) {
    const mine = timelineAt(local.history, local.timeline, b);
    const theirs = timelineAt(primary.history, primary.timeline, b);
    if (mine !== theirs) {
      return {
        verdict: 'diverged',
        forkLsn: b,
        forkTimeline: mine,
        reason: `local WAL on timeline ${mine} goes past ${formatLsn(b)}, where the primary's history continues on timeline ${theirs} (local end ${formatLsn(local.endLsn)})`,
      };
    }
  }
  if (local.timeline === primary.timeline && local.endLsn > primary.flushLsn) {
    return {
      verdict: 'unknown',
      reason: `local WAL ends at ${formatLsn(local.endLsn)}, past the primary's flush position ${formatLsn(primary.flushLsn)} on the same timeline ${local.timeline}`,
    };
  }
  return { verdict: 'compatible' };
}
