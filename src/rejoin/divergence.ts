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

/**
 * A standby whose WAL receiver stopped moments ago is most likely in a
 * switchover or failover: its upstream is gone until the VIP moves. Checking
 * its history then means connecting to an address nobody answers, and the
 * monitor would hold up the transition's notifications on this node for the
 * whole connect timeout (a 2 s stall in one switchover out of three). A
 * diverged standby never streams again, so it is still found a few seconds
 * later; until then it is not promotable (it does not stream).
 */
export const DIVERGENCE_CHECK_AFTER_MS = 5_000;

/** [first seen not streaming, last seen not streaming] (ms), or undefined while streaming. */
export type NotStreaming = [since: number, lastSeen: number];

/**
 * The not-streaming record after a monitor. A record whose last sighting is
 * older than maxGapMs does not carry over (the node was primary, stopped or
 * unmonitored meanwhile): the count starts again.
 */
export function trackNotStreaming(previous: NotStreaming | undefined, streaming: boolean, now: number, maxGapMs: number): NotStreaming | undefined {
  if (streaming) return undefined;
  return previous && now - previous[1] <= maxGapMs ? [previous[0], now] : [now, now];
}

export const divergenceCheckDue = (record: NotStreaming | undefined, now: number): boolean => record !== undefined && now - record[0] >= DIVERGENCE_CHECK_AFTER_MS;
