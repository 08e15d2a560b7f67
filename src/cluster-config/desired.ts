import {
  CLONE_META,
  FAILURE_RECOVERY,
  MONITOR_TIMEOUT,
  OPERATION_TIMEOUTS,
  PGHA_AGENT_TYPE,
  RESOURCE_DEFAULTS,
  TWO_NODE,
  VIP_AGENT_TYPE,
} from './recommended.js';

/** A name and its value: a meta attribute, a property, an agent parameter, an operation's attribute. */
export type Setting = [name: string, value: string];
export type Operation = [name: string, attributes: Setting[]];

/** The agent the clone runs and its operations: pgha's by default (pghaAgent), another for a comparison. */
export interface ResourceAgent {
  type: string;
  operations: Operation[];
}

/** What the recommended configuration depends on: the cluster's nodes, names, the agent's parameters (PAF's names) and the VIP. */
export interface RecommendedOptions {
  nodes: readonly string[];
  resource: string;
  bindir: string;
  pgdata: string;
  datadir?: string;
  pghost?: string;
  pgport?: number;
  systemUser?: string;
  startOpts?: string;
  maxlag?: number;
  vip?: { ip: string; cidrNetmask: number };
  vipNic?: string;
  /** Default: <resource>-vip. */
  vipResource?: string;
}

interface OrderConstraint {
  /** crmsh names constraints; pcs makes its own ids. */
  id: string;
  cloneAction: 'promote' | 'demote';
  vipAction: 'start' | 'stop';
}

/** The cluster configuration pgha expects, independent of the tool that writes it. */
export interface Desired {
  resourceDefaults: Setting[];
  properties: Setting[];
  resource: string;
  agentType: string;
  clone: string;
  params: Setting[];
  operations: Operation[];
  cloneMeta: Setting[];
  vip?: {
    id: string;
    agentType: string;
    params: Setting[];
    operations: Operation[];
    /** Colocated with the Promoted instance. */
    colocationId: string;
    orders: OrderConstraint[];
  };
}

export const cloneId = (resource: string) => `${resource}-clone`;
export const vipId = (resource: string) => `${resource}-vip`;

/** pgha's operations: the meta-data's timeouts, the monitors at the given interval, in-place recovery of a failed primary. */
export function pghaOperations(monitorIntervalS: number): Operation[] {
  return [
    ...Object.entries(OPERATION_TIMEOUTS).map(([name, timeout]): Operation => [
      name,
      [['timeout', timeout], ...(name === 'demote' ? [['on-fail', FAILURE_RECOVERY.demoteOnFail] as Setting] : [])],
    ]),
    ['monitor', [['interval', `${monitorIntervalS}s`], ['role', 'Promoted'], ['timeout', MONITOR_TIMEOUT], ['on-fail', FAILURE_RECOVERY.promotedMonitorOnFail]]],
    ['monitor', [['interval', `${monitorIntervalS + 1}s`], ['role', 'Unpromoted'], ['timeout', MONITOR_TIMEOUT]]],
  ];
}

export const pghaAgent = (monitorIntervalS: number): ResourceAgent => ({ type: PGHA_AGENT_TYPE, operations: pghaOperations(monitorIntervalS) });

export function desiredConfiguration(o: RecommendedOptions, agent: ResourceAgent): Desired {
  const twoNodes = o.nodes.length === 2;
  const params: [string, string | number | undefined][] = [
    ['bindir', o.bindir],
    ['pgdata', o.pgdata],
    ['datadir', o.datadir],
    ['pghost', o.pghost],
    ['pgport', o.pgport],
    ['system_user', o.systemUser],
    ['start_opts', o.startOpts],
    ['maxlag', o.maxlag],
  ];
  const clone = cloneId(o.resource);
  return {
    resourceDefaults: Object.entries(RESOURCE_DEFAULTS),
    properties: [['stonith-enabled', 'true'], ...(twoNodes ? [['priority-fencing-delay', TWO_NODE.priorityFencingDelay] as Setting] : [])],
    resource: o.resource,
    agentType: agent.type,
    clone,
    params: params.filter((p): p is [string, string | number] => p[1] !== undefined).map(([k, v]) => [k, String(v)]),
    operations: agent.operations,
    cloneMeta: [...Object.entries(CLONE_META), ...(twoNodes ? [['priority', TWO_NODE.clonePriority] as Setting] : [])],
    ...(o.vip ? { vip: desiredVip(o.vipResource ?? vipId(o.resource), o.vip, o.vipNic) } : {}),
  };
}

function desiredVip(id: string, vip: NonNullable<RecommendedOptions['vip']>, nic: string | undefined): NonNullable<Desired['vip']> {
  return {
    id,
    agentType: VIP_AGENT_TYPE,
    params: [['ip', vip.ip], ['cidr_netmask', String(vip.cidrNetmask)], ...(nic ? [['nic', nic] as Setting] : [])],
    operations: [['monitor', [['interval', '10s'], ['timeout', '20s']]]],
    colocationId: `${id}-with-promoted`,
    // Asymmetric: the VIP stays on the primary while it demotes, so standbys receive its shutdown checkpoint.
    orders: [
      { id: `${id}-after-promote`, cloneAction: 'promote', vipAction: 'start' },
      { id: `${id}-stop-after-demote`, cloneAction: 'demote', vipAction: 'stop' },
    ],
  };
}

/** The `name=value` arguments pcs and crmsh both take. */
export const settingArgs = (list: readonly Setting[]) => list.map(([k, v]) => `${k}=${v}`);
export const operationArgs = (operations: readonly Operation[]) => operations.flatMap(([name, attrs]) => ['op', name, ...settingArgs(attrs)]);
