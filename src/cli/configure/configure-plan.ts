import type { ConfigureOptions } from './configure-options.js';
import { shellQuote } from '../../exec/shell-quote.js';
import { FAILURE_RECOVERY, MONITOR_TIMEOUT, OPERATION_TIMEOUTS } from '../../cluster-config/recommended.js';

/** One command of a plan: an argv, and for crmsh the script it reads on stdin. */
export interface PlannedCommand {
  argv: string[];
  input?: string;
}

export interface ConfigurePlan {
  tool: 'pcs' | 'crm';
  commands: PlannedCommand[];
}

export const AGENT = 'ocf:pgha:postgresql';
export const VIP_AGENT = 'ocf:heartbeat:IPaddr2';

export const CLONE_META = {
  promotable: 'true',
  notify: 'true',
  'promoted-max': '1',
  'promoted-node-max': '1',
  'clone-node-max': '1',
  interleave: 'true',
} as const;

export const RESOURCE_DEFAULTS = {
  'migration-threshold': '5',
  'resource-stickiness': '10',
  'failure-timeout': '10min',
} as const;

/**
 * Two nodes: a fence race is won by the partition holding the primary, because the promoted
 * instance counts priority + 1 and the other side waits priority-fencing-delay before fencing.
 * The delay must stay above twice any pcmk_delay_base / pcmk_delay_max of the fence devices.
 */
export const TWO_NODE = { clonePriority: '10', priorityFencingDelay: '10s' } as const;

/** The default file pcs works on before pushing everything at once. */
export const DEFAULT_CIB_FILE = 'pgha-cib.xml';

export const cloneId = (resource: string) => `${resource}-clone`;
export const vipId = (resource: string) => `${resource}-vip`;

/** The cluster configuration pgha expects, independent of the tool that writes it. */
interface Desired {
  resourceDefaults: [string, string][];
  properties: [string, string][];
  resource: string;
  clone: string;
  params: [string, string][];
  operations: [string, [string, string][]][];
  cloneMeta: [string, string][];
  vip?: { id: string; params: [string, string][] };
}

function desiredConfiguration(o: ConfigureOptions): Desired {
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
  return {
    resourceDefaults: Object.entries(RESOURCE_DEFAULTS),
    properties: [['stonith-enabled', 'true'], ...(twoNodes ? [['priority-fencing-delay', TWO_NODE.priorityFencingDelay] as [string, string]] : [])],
    resource: o.resource,
    clone: cloneId(o.resource),
    params: params.filter((p): p is [string, string | number] => p[1] !== undefined).map(([k, v]) => [k, String(v)]),
    operations: [
      ...Object.entries(OPERATION_TIMEOUTS).map(([name, timeout]): [string, [string, string][]] => [
        name,
        [['timeout', timeout], ...(name === 'demote' ? [['on-fail', FAILURE_RECOVERY.demoteOnFail] as [string, string]] : [])],
      ]),
      [
        'monitor',
        [['interval', `${o.monitorInterval}s`], ['role', 'Promoted'], ['timeout', MONITOR_TIMEOUT], ['on-fail', FAILURE_RECOVERY.promotedMonitorOnFail]],
      ],
      ['monitor', [['interval', `${o.monitorInterval + 1}s`], ['role', 'Unpromoted'], ['timeout', MONITOR_TIMEOUT]]],
    ],
    cloneMeta: [...Object.entries(CLONE_META), ...(twoNodes ? [['priority', TWO_NODE.clonePriority] as [string, string]] : [])],
    ...(o.vip
      ? {
          vip: {
            id: o.vipResource ?? vipId(o.resource),
            params: [
              ['ip', o.vip.ip],
              ['cidr_netmask', String(o.vip.cidrNetmask)],
              ...(o.vipNic ? [['nic', o.vipNic] as [string, string]] : []),
            ],
          },
        }
      : {}),
  };
}

const pairs = (list: [string, string][]) => list.map(([k, v]) => `${k}=${v}`);
const ops = (d: Desired) => d.operations.flatMap(([name, attrs]) => ['op', name, ...pairs(attrs)]);

/**
 * pcs: everything is written into a copy of the CIB (`pcs -f`), then pushed in one replace, so the
 * cluster never sees the VIP without its constraints.
 */
export function buildPcsPlan(o: ConfigureOptions, cibFile = DEFAULT_CIB_FILE): ConfigurePlan {
  const d = desiredConfiguration(o);
  const f = (...args: string[]) => ({ argv: ['pcs', '-f', cibFile, ...args] });
  const commands: PlannedCommand[] = [
    { argv: ['pcs', 'cluster', 'cib', cibFile] },
    f('resource', 'defaults', 'update', ...pairs(d.resourceDefaults)),
    f('property', 'set', ...pairs(d.properties)),
    // Clone meta set on the clone itself: pcs 0.12 deprecates it after `promotable` without `meta`,
    // and `promotable meta` there means the primitive's meta unless --future, which 0.11 lacks.
    f('resource', 'create', d.resource, AGENT, ...pairs(d.params), ...ops(d), 'promotable'),
    f('resource', 'meta', d.clone, ...pairs(d.cloneMeta.filter(([k]) => k !== 'promotable'))),
  ];
  if (d.vip) {
    commands.push(
      f('resource', 'create', d.vip.id, VIP_AGENT, ...pairs(d.vip.params), 'op', 'monitor', 'interval=10s', 'timeout=20s'),
      // score=: a bare score is deprecated in pcs 0.12; 0.11 accepts both.
      f('constraint', 'colocation', 'add', d.vip.id, 'with', 'Promoted', d.clone, 'score=INFINITY'),
      f('constraint', 'order', 'promote', d.clone, 'then', 'start', d.vip.id, 'symmetrical=false', 'kind=Mandatory'),
      f('constraint', 'order', 'demote', d.clone, 'then', 'stop', d.vip.id, 'symmetrical=false', 'kind=Mandatory'),
    );
  }
  commands.push({ argv: ['pcs', 'cluster', 'cib-push', cibFile, '--config'] });
  return { tool: 'pcs', commands };
}

/** crmsh: one `crm configure` session reading a script; its final commit applies everything at once. */
export function buildCrmPlan(o: ConfigureOptions): ConfigurePlan {
  const d = desiredConfiguration(o);
  const quoted = (list: [string, string][]) => list.map(([k, v]) => (/^[^\s"'#]+$/.test(v) ? `${k}=${v}` : `${k}="${v}"`));
  const lines = [
    `rsc_defaults ${quoted(d.resourceDefaults).join(' ')}`,
    `property ${quoted(d.properties).join(' ')}`,
    `primitive ${d.resource} ${AGENT} params ${quoted(d.params).join(' ')} ${ops(d).join(' ')}`,
    `clone ${d.clone} ${d.resource} meta ${quoted(d.cloneMeta).join(' ')}`,
  ];
  if (d.vip) {
    const { id } = d.vip;
    lines.push(
      `primitive ${id} ${VIP_AGENT} params ${quoted(d.vip.params).join(' ')} op monitor interval=10s timeout=20s`,
      `colocation ${id}-with-promoted inf: ${id} ${d.clone}:Promoted`,
      `order ${id}-after-promote Mandatory: ${d.clone}:promote ${id}:start symmetrical=false`,
      `order ${id}-stop-after-demote Mandatory: ${d.clone}:demote ${id}:stop symmetrical=false`,
    );
  }
  lines.push('commit');
  return { tool: 'crm', commands: [{ argv: ['crm', 'configure'], input: `${lines.join('\n')}\n` }] };
}

export function buildConfigurePlan(o: ConfigureOptions, cibFile = DEFAULT_CIB_FILE): ConfigurePlan {
  return o.tool === 'crm' ? buildCrmPlan(o) : buildPcsPlan(o, cibFile);
}

/** A command as a shell user would type it (a here-document for stdin input). */
export function formatCommand(command: PlannedCommand): string {
  const line = command.argv.map(shellQuote).join(' ');
  return command.input === undefined ? line : `${line} <<'EOF'\n${command.input}EOF`;
}

export function formatPlan(plan: ConfigurePlan): string {
  return `${plan.commands.map(formatCommand).join('\n')}\n`;
}
