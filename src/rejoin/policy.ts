import type { Controldata } from '../pg/controldata.js';
import { formatLsn } from '../pg/lsn.js';
import type { Divergence } from './divergence.js';
import type { RejoinPolicy } from './params.js';

/** Why pg_rewind cannot work on this data directory, or undefined when it can. */
export function rewindBlocker(control: Pick<Controldata, 'walLogHints' | 'dataChecksums'>): string | undefined {
  if (control.walLogHints || control.dataChecksums) return undefined;
  return 'pg_rewind needs wal_log_hints = on or data checksums, and this instance has neither';
}

export type RejoinPlan =
  | { action: 'none' }
  | { action: 'refuse'; reason: string }
  /** Rewind; on failure, re-clone only when fallback is set. */
  | { action: 'rewind'; fallback: boolean }
  | { action: 'reclone'; why: string };

/** What to do with the local instance, given the policy, the verdict and whether pg_rewind can work. */
export function planRejoin(policy: RejoinPolicy, verdict: Divergence, blocker: string | undefined): RejoinPlan {
  if (verdict.verdict !== 'diverged') return { action: 'none' };
  const forked = `diverged from the primary at ${formatLsn(verdict.forkLsn)} (timeline ${verdict.forkTimeline})`;
  if (policy === 'manual') {
    return { action: 'refuse', reason: `${forked}; rejoin=manual: run pgha rewind (or reclone) here, then a cleanup` };
  }
  if (blocker) {
    return policy === 'reclone'
      ? { action: 'reclone', why: blocker }
      : { action: 'refuse', reason: `${forked} and cannot be rewound: ${blocker}; nothing was changed: use rejoin=reclone or run pgha reclone` };
  }
  return { action: 'rewind', fallback: policy === 'reclone' };
}
