import { desiredConfiguration, pghaAgent, settingArgs, type Operation, type ResourceAgent, type Setting } from '../cluster-config/desired.js';
import { pcsCommands } from '../cluster-config/pcs-commands.js';
import { RECOMMENDED_MONITOR_INTERVAL_S } from '../cluster-config/recommended.js';

/**
 * The pcs commands that configure the lab's cluster: the configuration pgha
 * recommends (the very commands `pgha configure` prints for the same options),
 * then what only the lab needs: its fence devices and a few cluster options.
 * Pure: they are argv arrays run against an offline CIB file (`pcs -f FILE ...`),
 * read and pushed in one transaction by cibDumpCommand / cibPushCommand.
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

/** PAF's quick start: the baseline the benchmarks compare pgha with (monitors 15 s / 16 s, Pacemaker's default recovery). */
const PAF_QUICK_START_OPERATIONS: Operation[] = [
  ['start', [['timeout', '60s']]],
  ['stop', [['timeout', '60s']]],
  ['promote', [['timeout', '30s']]],
  ['demote', [['timeout', '120s']]],
  ['monitor', [['interval', '15s'], ['timeout', '10s'], ['role', 'Promoted']]],
  ['monitor', [['interval', '16s'], ['timeout', '10s'], ['role', 'Unpromoted']]],
  ['notify', [['timeout', '60s']]],
];

/** The agent each lab choice runs: pgha's as `pgha configure` sets it up, or PAF's quick start. */
export const LAB_AGENTS: Record<AgentChoice, ResourceAgent> = {
  pgha: pghaAgent(RECOMMENDED_MONITOR_INTERVAL_S),
  paf: { type: 'ocf:heartbeat:pgsqlms', operations: PAF_QUICK_START_OPERATIONS },
};

const settingOf = (list: readonly Setting[], name: string) => list.find(([k]) => k === name)?.[1];
const monitorInterval = (agent: ResourceAgent, role: 'Promoted' | 'Unpromoted') =>
  settingOf(agent.operations.find(([name, attrs]) => name === 'monitor' && settingOf(attrs, 'role') === role)![1], 'interval')!;
const monitorIntervals = (agent: ResourceAgent) => ({ promotedMonitor: monitorInterval(agent, 'Promoted'), unpromotedMonitor: monitorInterval(agent, 'Unpromoted') });

/** Each agent's monitor intervals: pcs names the operations <resource>-monitor-interval-<interval>. */
export const MONITOR_INTERVALS: Record<AgentChoice, ReturnType<typeof monitorIntervals>> = {
  pgha: monitorIntervals(LAB_AGENTS.pgha),
  paf: monitorIntervals(LAB_AGENTS.paf),
};

/** Pacemaker's default load-threshold, for one node on its own machine. */
const LOAD_THRESHOLD_PER_NODE_PCT = 80;

export function clusterCommands(spec: ClusterSpec, cibFile: string): string[][] {
  const pcs = (...args: string[]) => ['pcs', '-f', cibFile, ...args];
  const recommended = desiredConfiguration(
    {
      nodes: spec.nodes,
      resource: RESOURCE,
      bindir: spec.bindir,
      pgdata: spec.pgdata,
      pghost: spec.pghost,
      pgport: spec.pgport,
      systemUser: spec.systemUser,
      vip: { ip: spec.vip, cidrNetmask: spec.cidrNetmask },
      vipNic: spec.nic,
      vipResource: VIP_RESOURCE,
    },
    LAB_AGENTS[spec.agent],
  );
  return [
    ...pcsCommands(recommended, cibFile),
    pcs(
      'property', 'set',
      // A hung fence device (a lab fault) is given up after 30 s rather than Pacemaker's 60 s: a lab power-off takes seconds.
      'stonith-timeout=30s',
      // Pacemaker's default, written out: the partition scenarios rely on a partition without quorum stopping its resources.
      'no-quorum-policy=stop',
      // Every node reads the one host's load average, the load of all of them. Pacemaker's
      // default threshold (80% per node) would throttle each to one action at a time as if it ran alone.
      `load-threshold=${LOAD_THRESHOLD_PER_NODE_PCT * spec.nodes.length}%`,
    ),
    // The lab's own fence agent, one device per node (a real cluster has its own fencing).
    ...spec.nodes.flatMap((node) => [
      pcs(
        'stonith', 'create', fenceDeviceName(node), spec.fenceAgent,
        `pcmk_host_list=${node}`,
        // Fencing leaves the node off: an operator (or a test) decides when it comes back.
        'pcmk_reboot_action=off',
        ...settingArgs(Object.entries(spec.fenceParams ?? {})),
        'op', 'monitor', 'interval=60s',
      ),
      // A node never runs the device that fences it.
      pcs('constraint', 'location', fenceDeviceName(node), 'avoids', `${node}=INFINITY`),
    ]),
  ];
}
