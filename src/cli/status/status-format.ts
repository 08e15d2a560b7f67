import { formatBytes, renderTable } from '../format/table.js';
import { formatStandbyNames } from '../../sync/synchronous-set.js';
import { describeRecoveryWarning } from '../configure/recovery-settings.js';
import type { ClusterStatus, NodeStatus, SyncWarning } from './status-model.js';

const HEADERS = ['NODE', 'PACEMAKER', 'ROLE', 'POSTGRESQL', 'TL', 'LSN (RECEIVE/REPLAY)', 'LAG', 'SYNC', 'SCORE', 'FAILURE', 'FENCING'];
/** The table fits a 120-column terminal: should it not, the failure, then the fence devices, are shortened there (the failure is whole below it). */
const TABLE_FIT = { maxWidth: 120, shrink: [HEADERS.indexOf('FAILURE'), HEADERS.indexOf('FENCING')] };

export function formatStatus(status: ClusterStatus): string {
  const header = [
    `resource ${status.resource}${status.clone ? ` (clone ${status.clone})` : ''}`,
    `DC ${status.dc ?? 'none'}${status.withQuorum === false ? ' (no quorum)' : ''}`,
    `fencing ${status.stonithEnabled ? 'enabled' : 'DISABLED'}`,
    ...(status.maintenanceMode ? ['MAINTENANCE MODE'] : []),
    `${status.failedActions} failed action${status.failedActions === 1 ? '' : 's'}`,
  ].join(', ');
  const notes = [
    ...status.nodes.filter((n) => n.postgresDetail).map((n) => `  ${n.node}: ${n.postgresDetail}`),
    ...status.nodes
      .filter((n) => n.lastFailure)
      .map((n) => `  ${n.node}: ${failureText(n.lastFailure!)}; once its cause is fixed, clear it with: crm_resource --cleanup --resource ${status.resource} --node ${n.node}`),
    ...status.nodes
      .filter((n) => n.redirectedTo)
      .map((n) => `  ${n.node}: its promote was redirected to ${n.redirectedTo}, a more advanced standby (not a failure: the agent clears the record)`),
    ...status.syncWarnings.map((w) => `  WARNING: ${describeSyncWarning(w)}`),
    ...status.recoveryWarnings.map((w) => `  NOTE: ${describeRecoveryWarning(w)}`),
  ];
  return `${header}\n${syncLine(status)}\n\n${renderTable(HEADERS, status.nodes.map(cells), TABLE_FIT)}${notes.length ? `\n${notes.join('\n')}\n` : ''}`;
}

/** The set in synchronous_standby_names notation, so it compares at a glance with the primary's; its members carry a * in SYNC. */
function syncLine({ syncMode, syncCount, publishedSet }: ClusterStatus): string {
  const set = publishedSet.members.length > 0 ? `synchronous set (*) ${formatStandbyNames(publishedSet)}` : 'no synchronous set published';
  if (syncMode === 'off') return publishedSet.members.length > 0 ? `sync_mode off, ${set}` : 'sync_mode off';
  return `sync_mode ${syncMode}, sync_count ${syncCount}, ${set}`;
}

function describeSyncWarning(warning: SyncWarning): string {
  switch (warning.kind) {
    case 'no-published-set':
      return 'no synchronous set published: commits are acknowledged without waiting for any standby';
    case 'streaming-outside-set':
      return `${warning.node} streams outside the synchronous set: writes do not wait for it, and it cannot be promoted`;
    case 'member-not-streaming':
      return `${warning.node} is in the synchronous set but not streaming: it acknowledges no commit`;
  }
}

function cells(n: NodeStatus): string[] {
  const lsn = n.currentLsn ?? (n.receiveLsn || n.replayLsn ? `${n.receiveLsn ?? '-'} / ${n.replayLsn ?? '-'}` : '-');
  const lag =
    n.lagBytes === undefined && n.lagSeconds === undefined
      ? '-'
      : `${n.lagBytes === undefined ? '-' : formatBytes(n.lagBytes)}, ${n.lagSeconds === undefined ? '-' : `${round(n.lagSeconds)}s`}`;
  // Only the operation ("monitor (4s)" → monitor): the failure is below the table, whole.
  const failure = n.lastFailure
    ? n.lastFailure.operation.split(' ')[0]!
    : n.redirectedTo
      ? 'redirected'
      : '-';
  return [
    n.node,
    n.pacemaker,
    n.role,
    n.postgres,
    n.timeline === undefined ? '-' : String(n.timeline),
    lsn,
    n.postgres === 'primary' ? '-' : lag,
    `${n.syncState ?? '-'}${n.syncMember ? '*' : ''}`,
    n.promotionScore ?? '-',
    failure,
    n.fencing.length ? n.fencing.join(',') : 'NONE',
  ];
}

const failureText = (f: NonNullable<NodeStatus['lastFailure']>) =>
  `${f.operation} failed: ${f.exitStatus}${f.exitReason ? ` (${f.exitReason})` : ''}${f.when ? ` at ${f.when}` : ''}`;

const round = (s: number) => (s < 10 ? s.toFixed(1) : Math.round(s).toString());
