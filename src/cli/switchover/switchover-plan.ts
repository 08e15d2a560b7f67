import { fenceDevicesFor, stonithEnabled, type Cib } from '../../pacemaker/cib.js';
import type { CrmMon } from '../../pacemaker/crm-mon.js';
import { genuineFailures } from '../../election/redirect-residue.js';
import type { ClusterStatus, NodeStatus } from '../status/status-model.js';

export interface SwitchoverInput {
  status: ClusterStatus;
  cib: Cib;
  mon: CrmMon;
  /** --to; without it the best candidate is chosen. */
  target?: string;
  maxLagBytes: number;
}

export interface SwitchoverDecision {
  from?: string;
  to?: string;
  /** Every reason to refuse, in the order an operator should fix them. Empty: go. */
  problems: string[];
}

const score = (n: NodeStatus) => {
  const raw = n.promotionScore;
  if (raw === undefined) return undefined;
  if (/^[+]?INFINITY$/i.test(raw)) return Number.POSITIVE_INFINITY;
  if (/^-INFINITY$/i.test(raw)) return Number.NEGATIVE_INFINITY;
  const value = Number(raw);
  return Number.isFinite(value) ? value : undefined;
};

/** Why `node` cannot become the primary now (empty when it can). */
export function targetProblems(node: NodeStatus, maxLagBytes: number, status: Pick<ClusterStatus, 'syncMode' | 'publishedSet'>): string[] {
  const problems: string[] = [];
  if (status.syncMode !== 'off' && status.publishedSet.members.length > 0 && !node.syncMember) {
    // The agent promotes only members (they hold every acknowledged commit): it would cancel this switchover.
    problems.push(`${node.node} is not in the synchronous set ${status.publishedSet.members.join(',')} (sync_mode=${status.syncMode}): it may miss acknowledged commits`);
  }
  if (node.pacemaker !== 'online') problems.push(`${node.node} is ${node.pacemaker} in Pacemaker, not online`);
  if (node.role !== 'Unpromoted') problems.push(`${node.node} runs no Unpromoted instance (role ${node.role})`);
  if (node.postgres !== 'streaming') {
    problems.push(`${node.node}'s PostgreSQL is ${node.postgres}, not a streaming standby${node.postgresDetail ? ` (${node.postgresDetail})` : ''}`);
  } else if (node.senderState !== 'streaming') {
    problems.push(`the primary's pg_stat_replication ${node.senderState ? `shows ${node.node} as ${node.senderState}` : `has no row for ${node.node}`}`);
  }
  if (node.lagBytes === undefined) problems.push(`${node.node}'s lag is unknown`);
  else if (node.lagBytes > maxLagBytes) problems.push(`${node.node} lags ${node.lagBytes} bytes behind the primary (limit --max-lag ${maxLagBytes})`);
  const s = score(node);
  if (s === undefined) problems.push(`${node.node} has no promotion score (the agent does not consider it promotable)`);
  else if (s < 0) problems.push(`the agent scores ${node.node} ${node.promotionScore}: not promotable`);
  return problems;
}

/** The healthiest standby: highest promotion score, then least lag. */
export function chooseTarget(status: ClusterStatus, maxLagBytes: number): NodeStatus | undefined {
  return status.nodes
    .filter((n) => targetProblems(n, maxLagBytes, status).length === 0)
    .sort((a, b) => (score(b) ?? 0) - (score(a) ?? 0) || (a.lagBytes ?? 0) - (b.lagBytes ?? 0))[0];
}

/** The pre-checks of `pgha switchover`: cluster-wide first, then the current primary, then the target. */
export function checkSwitchover({ status, cib, mon, target, maxLagBytes }: SwitchoverInput): SwitchoverDecision {
  const problems: string[] = [];
  if (!stonithEnabled(cib) || !status.stonithEnabled) problems.push('fencing is disabled (stonith-enabled=false): a failed demote could not be resolved safely');
  if (cib.fenceDevices.length === 0) problems.push('no fence device is configured');
  if (status.maintenanceMode) problems.push('the cluster is in maintenance mode');
  if (status.withQuorum === false) problems.push('this partition has no quorum');
  // A redirected promotion's record is the agent's own choice, not a failure: it does not block.
  const failures = genuineFailures(mon.failures);
  if (failures.length > 0) {
    const list = failures.map((f) => `${f.opKey} on ${f.node}: ${f.exitStatus}${f.exitReason ? ` (${f.exitReason})` : ''}`);
    problems.push(`failed actions must be cleaned up first (crm_resource --cleanup): ${list.join('; ')}`);
  }
  const promoted = status.nodes.filter((n) => n.role === 'Promoted');
  const from = promoted.length === 1 ? promoted[0] : undefined;
  if (promoted.length === 0) problems.push(`no node runs ${status.resource} as Promoted`);
  if (promoted.length > 1) problems.push(`several Promoted instances: ${promoted.map((n) => n.node).join(', ')}`);
  if (from) {
    if (from.postgres !== 'primary') problems.push(`the Promoted node ${from.node}'s PostgreSQL is ${from.postgres}, not a writable primary${from.postgresDetail ? ` (${from.postgresDetail})` : ''}`);
    if (fenceDevicesFor(cib, from.node).length === 0) problems.push(`no fence device covers the current primary ${from.node}`);
  }
  let to: NodeStatus | undefined;
  if (target !== undefined) {
    to = status.nodes.find((n) => n.node === target);
    if (!to) problems.push(`${target} is not a node of this cluster (nodes: ${status.nodes.map((n) => n.node).join(', ')})`);
    else if (to.node === from?.node) problems.push(`${target} is already the primary`);
    else problems.push(...targetProblems(to, maxLagBytes, status));
  } else {
    to = chooseTarget(status, maxLagBytes);
    if (!to) {
      const reasons = status.nodes.filter((n) => n !== from).flatMap((n) => targetProblems(n, maxLagBytes, status));
      problems.push(`no standby can be promoted${reasons.length ? `: ${reasons.join('; ')}` : ''}`);
    }
  }
  return { ...(from ? { from: from.node } : {}), ...(to ? { to: to.node } : {}), problems };
}

/** The "Transition Summary:" lines of crm_simulate, without the leading "  * ". */
export function parseTransitionSummary(output: string): string[] {
  const lines = output.split('\n');
  const start = lines.findIndex((l) => l.trim() === 'Transition Summary:');
  if (start < 0) return [];
  const summary: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '' || !/^\s/.test(line)) break;
    summary.push(line.trim().replace(/^\*\s*/, '').replace(/\s+/g, ' '));
  }
  return summary;
}

/** Does the simulated transition promote `resource` on `node`? ("Promote pgsqld:2 ( Unpromoted -> Promoted node3 )") */
export function planPromotes(summary: readonly string[], resource: string, node: string): boolean {
  const promote = new RegExp(`^Promote ${escape(resource)}(:\\d+)? \\(.*-> Promoted ${escape(node)} \\)$`);
  return summary.some((line) => promote.test(line));
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Writes were unavailable from the old primary's last writable answer to the new one's first. */
export function writeOutage(lastOldWritableAt: number | undefined, firstNewWritableAt: number | undefined): number | undefined {
  if (lastOldWritableAt === undefined || firstNewWritableAt === undefined) return undefined;
  return Math.max(0, firstNewWritableAt - lastOldWritableAt);
}
