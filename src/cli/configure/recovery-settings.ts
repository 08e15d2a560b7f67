import { FAILURE_RECOVERY } from '../../cluster-config/recommended.js';
import type { CibOperation } from '../../pacemaker/cib.js';

/**
 * How the CIB would recover a failed primary, where it differs from what
 * `pgha configure` sets: a Promoted monitor without on-fail=demote recovers a
 * crashed primary by demote, stop, start and promote (twice the actions and
 * notifications); with it, a demote without its own on-fail inherits demote.
 */
export type RecoveryWarning = { kind: 'primary-restarted'; onFail: string } | { kind: 'demote-inherits-demote' };

const isPromotedMonitor = (op: CibOperation) => op.name === 'monitor' && /^(Promoted|Master)$/i.test(op.role ?? '') && !/^0+[a-z]*$/i.test(op.interval ?? '0');

export function recoveryWarnings(operations: readonly CibOperation[]): RecoveryWarning[] {
  const monitor = operations.find(isPromotedMonitor);
  if (!monitor) return [];
  const onFail = monitor.onFail?.toLowerCase();
  if (onFail !== FAILURE_RECOVERY.promotedMonitorOnFail) return [{ kind: 'primary-restarted', onFail: onFail ?? 'restart (default)' }];
  const demote = operations.find((op) => op.name === 'demote');
  return demote?.onFail ? [] : [{ kind: 'demote-inherits-demote' }];
}

export function describeRecoveryWarning(warning: RecoveryWarning): string {
  switch (warning.kind) {
    case 'primary-restarted':
      return `the Promoted monitor has on-fail=${warning.onFail}: a crashed primary is recovered by demote, stop, start and promote; on-fail=${FAILURE_RECOVERY.promotedMonitorOnFail} recovers it in place by demote and promote, about 1 s sooner (see pgha configure)`;
    case 'demote-inherits-demote':
      return `demote has no on-fail and inherits on-fail=${FAILURE_RECOVERY.promotedMonitorOnFail} from the Promoted monitor: set on-fail=${FAILURE_RECOVERY.demoteOnFail} on demote, so a failed demote is recovered by a restart`;
  }
}
