import { FAILURE_RECOVERY, RECOMMENDED_MONITOR_INTERVAL_S } from '../cluster-config/recommended.js';

/**
 * The pcs commands that configure a PostgreSQL HA cluster: cluster options,
 * one fence device per node, the promotable PostgreSQL clone, the primary VIP
 * and its constraints (PAF quick start). Pure: they are argv arrays run against
 * an offline CIB file (`pcs -f FILE ...`) then pushed in one transaction, so
 * `pgha configure` can generate exactly the same commands.
 */
export type AgentChoice = 'pgha' | 'paf';

export interface ClusterSpec {
  agent: AgentChoice;
  nodes: readonly string[];
  bindir: string;
  pgdata: string;
  pghost: string;
  pgport: number;
  systemUser: string;
  vip: string;
  cidrNetmask: number;
  nic: string;
  /** Fence agent and its extra parameters; the target node goes in pcmk_host_list (the agent gets it as plug). */
  fenceAgent: string;
  fenceParams?: Readonly<Record<string, string>>;
}

export const RESOURCE = 'pgsqld';
export const CLONE = `${RESOURCE}-clone`;
export const VIP_RESOURCE = 'pgsql-pri-ip';
export const fenceDeviceName = (node: string) => `fence-${node}`;

export const AGENT_TYPES: Record<AgentChoice, string> = {
  pgha: 'ocf:pgha:postgresql',
  paf: 'ocf:heartbeat:pgsqlms',
};

interface Ops {
  promotedMonitor: string;
  unpromotedMonitor: string;
  /** on-fail of the promoted monitor and of demote; Pacemaker's defaults when absent. */
  onFail?: { promotedMonitor: string; demote: string };
}

/**
 * PAF's quick start (15 s / 16 s, Pacemaker's default recovery); pgha's as `pgha configure` writes
 * them: intervals from its meta-data, in-place recovery by demote then promote.
 */
export const MONITOR_INTERVALS: Record<AgentChoice, Ops> = {
  paf: { promotedMonitor: '15s', unpromotedMonitor: '16s' },
  pgha: {
    promotedMonitor: `${RECOMMENDED_MONITOR_INTERVAL_S}s`,
    unpromotedMonitor: `${RECOMMENDED_MONITOR_INTERVAL_S + 1}s`,
    onFail: { promotedMonitor: FAILURE_RECOVERY.promotedMonitorOnFail, demote: FAILURE_RECOVERY.demoteOnFail },
  },
};

/** Pacemaker's default load-threshold, for one node on its own machine. */
const LOAD_THRESHOLD_PER_NODE_PCT = 80;

/** Resource defaults a DBA sets: tolerate a few local failures before moving away, prefer staying put. */
export const RESOURCE_DEFAULTS = { 'migration-threshold': '5', 'resource-stickiness': '10' } as const;

export function clusterCommands(spec: ClusterSpec, cibFile: string): string[][] {
  const pcs = (...args: string[]) => ['pcs', '-f', cibFile, ...args];
  const ops = MONITOR_INTERVALS[spec.agent];
  return [
    pcs('property', 'set', 'stonith-enabled=true', 'stonith-timeout=30s', 'no-quorum-policy=stop'),
    // Lab only: every node reads the one host's load average, the load of all of them. Pacemaker's
    // default threshold (80% per node) would throttle each to one action at a time as if it ran alone.
    pcs('property', 'set', `load-threshold=${LOAD_THRESHOLD_PER_NODE_PCT * spec.nodes.length}%`),
    pcs('resource', 'defaults', 'update', ...Object.entries(RESOURCE_DEFAULTS).map(([k, v]) => `${k}=${v}`)),
    ...spec.nodes.flatMap((node) => [
      pcs(
        'stonith', 'create', fenceDeviceName(node), spec.fenceAgent,
        `pcmk_host_list=${node}`,
        // Fencing leaves the node off: an operator (or a test) decides when it comes back.
        'pcmk_reboot_action=off',
        ...Object.entries(spec.fenceParams ?? {}).map(([k, v]) => `${k}=${v}`),
        'op', 'monitor', 'interval=60s',
      ),
      // A node never runs the device that fences it.
      pcs('constraint', 'location', fenceDeviceName(node), 'avoids', `${node}=INFINITY`),
    ]),
    pcs(
      'resource', 'create', RESOURCE, AGENT_TYPES[spec.agent],
      `bindir=${spec.bindir}`, `pgdata=${spec.pgdata}`, `pghost=${spec.pghost}`, `pgport=${spec.pgport}`,
      `system_user=${spec.systemUser}`,
      'op', 'start', 'timeout=60s',
      'op', 'stop', 'timeout=60s',
      'op', 'promote', 'timeout=30s',
      'op', 'demote', 'timeout=120s', ...(ops.onFail ? [`on-fail=${ops.onFail.demote}`] : []),
      'op', 'monitor', `interval=${ops.promotedMonitor}`, 'timeout=10s', 'role=Promoted', ...(ops.onFail ? [`on-fail=${ops.onFail.promotedMonitor}`] : []),
      'op', 'monitor', `interval=${ops.unpromotedMonitor}`, 'timeout=10s', 'role=Unpromoted',
      'op', 'notify', 'timeout=60s',
      'promotable',
    ),
    // On the clone itself: the one form pcs 0.11 and 0.12 both accept without a warning (as pgha configure).
    pcs('resource', 'meta', CLONE, 'notify=true', 'promoted-max=1', 'promoted-node-max=1'),
    pcs(
      'resource', 'create', VIP_RESOURCE, 'ocf:heartbeat:IPaddr2',
      `ip=${spec.vip}`, `cidr_netmask=${spec.cidrNetmask}`, `nic=${spec.nic}`,
      'op', 'monitor', 'interval=10s',
    ),
    pcs('constraint', 'colocation', 'add', VIP_RESOURCE, 'with', 'Promoted', CLONE, 'score=INFINITY'),
    // Asymmetric: the VIP stays on the primary while it demotes, so standbys receive its shutdown checkpoint.
    pcs('constraint', 'order', 'promote', CLONE, 'then', 'start', VIP_RESOURCE, 'symmetrical=false', 'kind=Mandatory'),
    pcs('constraint', 'order', 'demote', CLONE, 'then', 'stop', VIP_RESOURCE, 'symmetrical=false', 'kind=Mandatory'),
  ];
}

/** Reads the live CIB into a file, and pushes the edited configuration back in one replace. */
export const cibDumpCommand = (cibFile: string) => ['pcs', 'cluster', 'cib', cibFile];
export const cibPushCommand = (cibFile: string) => ['pcs', 'cluster', 'cib-push', cibFile, '--config'];
