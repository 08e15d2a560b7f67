import { formatBytes, renderTable } from '../cli/format/table.js';
import type { ClusterStatus, NodeStatus } from './status-model.js';

const HEADERS = ['NODE', 'PACEMAKER', 'ROLE', 'POSTGRESQL', 'TL', 'LSN (RECEIVE/REPLAY)', 'LAG', 'SYNC', 'SCORE', 'LAST FAILURE', 'FENCING'];

export function formatStatus(status: ClusterStatus): string {
  const header = [
    `resource ${status.resource}${status.clone ? ` (clone ${status.clone})` : ''}`,
    `DC ${status.dc ?? 'none'}${status.withQuorum === false ? ' (no quorum)' : ''}`,
    `fencing ${status.stonithEnabled ? 'enabled' : 'DISABLED'}`,
    ...(status.maintenanceMode ? ['MAINTENANCE MODE'] : []),
    `${status.failedActions} failed action${status.failedActions === 1 ? '' : 's'}`,
  ].join(', ');
  const notes = status.nodes.filter((n) => n.postgresDetail).map((n) => `  ${n.node}: ${n.postgresDetail}`);
  return `${header}\n\n${renderTable(HEADERS, status.nodes.map(cells))}${notes.length ? `\n${notes.join('\n')}\n` : ''}`;
}

function cells(n: NodeStatus): string[] {
  const lsn = n.currentLsn ?? (n.receiveLsn || n.replayLsn ? `${n.receiveLsn ?? '-'} / ${n.replayLsn ?? '-'}` : '-');
  const lag =
    n.lagBytes === undefined && n.lagSeconds === undefined
      ? '-'
      : `${n.lagBytes === undefined ? '-' : formatBytes(n.lagBytes)}, ${n.lagSeconds === undefined ? '-' : `${round(n.lagSeconds)}s`}`;
  const failure = n.lastFailure
    ? `${n.lastFailure.operation}: ${n.lastFailure.exitStatus}${n.lastFailure.exitReason ? ` (${n.lastFailure.exitReason})` : ''}`
    : '-';
  return [
    n.node,
    n.pacemaker,
    n.role,
    n.postgres,
    n.timeline === undefined ? '-' : String(n.timeline),
    lsn,
    n.postgres === 'primary' ? '-' : lag,
    n.syncState ?? '-',
    n.promotionScore ?? '-',
    failure,
    n.fencing.length ? n.fencing.join(',') : 'NONE',
  ];
}

const round = (s: number) => (s < 10 ? s.toFixed(1) : Math.round(s).toString());
