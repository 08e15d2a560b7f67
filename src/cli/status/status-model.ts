import { syncParams } from '../../agent/params.js';
import type { SyncMode, SyncSet } from '../../sync/synchronous-set.js';
import type { Cib, CibPgResource } from '../../pacemaker/cib.js';
import { fenceDevicesFor } from '../../pacemaker/cib.js';
import { publishedSyncSet } from '../../sync/cib-set.js';
import { failuresOf, nodeState, rolesByNode, type CrmMon, type MonFailure, type NodeState } from '../../pacemaker/crm-mon.js';
import { genuineFailures, redirectTarget } from '../../election/redirect-residue.js';
import { lsnDiff } from '../../pg/lsn.js';
import type { PgProbe, ReplicationRow } from '../../pg/pg-probe.js';
import { recoveryWarnings, type RecoveryWarning } from '../configure/recovery-settings.js';

export type PgState = 'primary' | 'streaming' | 'standby' | 'unreachable';

/** One row of `pgha status`: what Pacemaker and PostgreSQL each say about a node. */
export interface NodeStatus {
  node: string;
  address: string;
  pacemaker: NodeState;
  role: string;
  postgres: PgState;
  /** Why PostgreSQL is unreachable, or the WAL receiver state of a standby that is not streaming. */
  postgresDetail?: string;
  timeline?: number;
  /** Primary: current WAL position. */
  currentLsn?: string;
  receiveLsn?: string;
  replayLsn?: string;
  lagBytes?: number;
  lagSeconds?: number;
  syncState?: string;
  /** Member of the synchronous set the agent published in the CIB: PostgreSQL may wait for it, and only members are promoted. */
  syncMember: boolean;
  /** The primary's pg_stat_replication.state for this standby (streaming, catchup, ...). */
  senderState?: string;
  promotionScore?: string;
  lastFailure?: { operation: string; exitStatus: string; exitReason: string; when?: string };
  /** The agent redirected this node's promotion to that node: not a failure (the agent clears its record). */
  redirectedTo?: string;
  fencing: string[];
}

export interface ClusterStatus {
  resource: string;
  clone?: string;
  dc?: string;
  withQuorum?: boolean;
  stonithEnabled: boolean;
  maintenanceMode: boolean;
  /** Failed actions, a redirected promotion's record left out. */
  failedActions: number;
  /** The resource's sync_mode and sync_count (instance attributes, else the agent's defaults). */
  syncMode: SyncMode;
  syncCount: number;
  publishedSet: SyncSet;
  syncWarnings: SyncWarning[];
  /** Where the CIB recovers a failed primary otherwise than pgha configure would. */
  recoveryWarnings: RecoveryWarning[];
  nodes: NodeStatus[];
}

/**
 * What a DBA must act on while sync_mode is on: no set published (commits wait for no
 * standby), a standby streaming outside the set (writes do not wait for it, it cannot be
 * promoted), a member that does not stream (it acknowledges nothing).
 */
export type SyncWarning =
  | { kind: 'no-published-set' }
  | { kind: 'streaming-outside-set'; node: string }
  | { kind: 'member-not-streaming'; node: string };

export interface StatusInput {
  mon: CrmMon;
  cib: Cib;
  resource: CibPgResource;
  addresses: Map<string, string>;
  probes: Map<string, PgProbe>;
}

export function buildClusterStatus({ mon, cib, resource, addresses, probes }: StatusInput): ClusterStatus {
  const roles = rolesByNode(mon, resource.primitiveId);
  const failures = failuresOf(mon, resource.primitiveId);
  const primaryNode = [...probes].find(([, p]) => p.reachable && !p.inRecovery)?.[0];
  const primary = primaryNode ? probes.get(primaryNode) : undefined;
  const primaryLsn = primary?.reachable ? primary.currentLsn : undefined;
  const names = mon.nodes.length > 0 ? mon.nodes.map((n) => n.name) : cib.nodes.map((n) => n.uname);
  const { syncMode, syncCount } = syncParams(resource.params);
  const publishedSet = publishedSyncSet(cib, resource.primitiveId);
  const nodes = names.map((name): NodeStatus => {
    const monNode = mon.nodes.find((n) => n.name === name);
    const probe = probes.get(name) ?? { reachable: false as const, error: 'not queried' };
    const address = addresses.get(name) ?? name;
    const failure = genuineFailures(failures).find((f) => f.node === name);
    const redirect = failures.map((f) => (f.node === name ? redirectTarget(f) : undefined)).find((target) => target !== undefined);
    const row: NodeStatus = {
      node: name,
      address,
      pacemaker: monNode ? nodeState(monNode, mon.fenceHistory) : 'offline',
      role: roles.get(name) ?? 'Stopped',
      postgres: 'unreachable',
      syncMember: publishedSet.members.includes(name),
      fencing: fenceDevicesFor(cib, name),
      ...(mon.attributes[name]?.[`master-${resource.primitiveId}`] !== undefined
        ? { promotionScore: mon.attributes[name]![`master-${resource.primitiveId}`] }
        : {}),
      ...(failure ? { lastFailure: describeFailure(failure) } : {}),
      ...(redirect ? { redirectedTo: redirect } : {}),
    };
    if (!probe.reachable) return { ...row, postgresDetail: probe.error };
    row.timeline = probe.timeline;
    if (!probe.inRecovery) {
      return { ...row, postgres: 'primary', ...(probe.currentLsn ? { currentLsn: probe.currentLsn } : {}) };
    }
    const streaming = probe.receiverStatus === 'streaming';
    Object.assign(row, {
      postgres: streaming ? 'streaming' : 'standby',
      ...(streaming ? {} : { postgresDetail: probe.receiverStatus ? `WAL receiver ${probe.receiverStatus}` : 'no WAL receiver' }),
      ...(probe.receiveLsn ? { receiveLsn: probe.receiveLsn } : {}),
      ...(probe.replayLsn ? { replayLsn: probe.replayLsn } : {}),
    });
    const position = probe.replayLsn ?? probe.receiveLsn;
    if (primaryLsn && position) row.lagBytes = lsnDiff(primaryLsn, position);
    const replication = primary?.reachable ? findReplicationRow(primary.replication, name, address) : undefined;
    if (replication) {
      row.syncState = replication.syncState;
      row.senderState = replication.state;
      if (replication.replayLagSeconds !== undefined) row.lagSeconds = replication.replayLagSeconds;
      else if (row.lagBytes === 0) row.lagSeconds = 0;
    }
    return row;
  });
  return {
    resource: resource.primitiveId,
    ...(resource.cloneId ? { clone: resource.cloneId } : {}),
    ...(mon.dc ? { dc: mon.dc } : {}),
    ...(mon.withQuorum !== undefined ? { withQuorum: mon.withQuorum } : {}),
    stonithEnabled: mon.stonithEnabled ?? true,
    maintenanceMode: mon.maintenanceMode ?? false,
    failedActions: genuineFailures(mon.failures).length,
    syncMode,
    syncCount,
    publishedSet,
    syncWarnings: syncMode === 'off' || !primaryNode ? [] : syncWarnings(publishedSet, primaryNode, nodes),
    recoveryWarnings: recoveryWarnings(resource.operations),
    nodes,
  };
}

/**
 * Judged as the primary's agent judges: a standby is healthy when the primary's
 * pg_stat_replication says it streams. Without a primary, nothing streams and nothing
 * is written: the table says enough.
 */
function syncWarnings(published: SyncSet, primaryNode: string, nodes: readonly NodeStatus[]): SyncWarning[] {
  if (published.members.length === 0) return [{ kind: 'no-published-set' }];
  const streaming = new Set(nodes.filter((n) => n.senderState === 'streaming').map((n) => n.node));
  // A member the cluster no longer lists still counts: the set is what a promotion trusts. The
  // primary is left out: right after a promotion it stays in the set until the others catch up.
  const standbys = [...new Set([...nodes.map((n) => n.node), ...published.members])].filter((node) => node !== primaryNode);
  return standbys.flatMap((node): SyncWarning[] => {
    const member = published.members.includes(node);
    if (member && !streaming.has(node)) return [{ kind: 'member-not-streaming', node }];
    if (!member && streaming.has(node)) return [{ kind: 'streaming-outside-set', node }];
    return [];
  });
}

/** A standby's row in the primary's pg_stat_replication: by application_name (the node name), else by address. */
export function findReplicationRow(rows: readonly ReplicationRow[], node: string, address: string): ReplicationRow | undefined {
  return rows.find((r) => r.applicationName === node) ?? rows.find((r) => r.clientAddr === address);
}

function describeFailure(f: MonFailure): NonNullable<NodeStatus['lastFailure']> {
  const operation = f.intervalMs > 0 ? `${f.task} (${f.intervalMs / 1000}s)` : f.task;
  return { operation, exitStatus: f.exitStatus, exitReason: f.exitReason, ...(f.lastRcChange ? { when: f.lastRcChange } : {}) };
}
