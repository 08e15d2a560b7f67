import { attr, boolAttr, child, children, parseXml, unescapeCrmMonText, type XmlElement } from './xml.js';

/** One node as `crm_mon --output-as=xml` lists it. */
export interface MonNode {
  name: string;
  id: string;
  online: boolean;
  standby: boolean;
  standbyOnFail: boolean;
  maintenance: boolean;
  pending: boolean;
  unclean: boolean;
  shutdown: boolean;
  isDc: boolean;
}

/** One instance of a resource: a primitive, or one of a clone's. */
export interface MonInstance {
  resourceId: string;
  agent: string;
  role: string;
  active: boolean;
  failed: boolean;
  managed: boolean;
  nodes: string[];
}

export interface MonClone {
  id: string;
  promotable: boolean;
  instances: MonInstance[];
}

export interface MonFailure {
  resourceId: string;
  opKey: string;
  task: string;
  intervalMs: number;
  node: string;
  exitStatus: string;
  exitReason: string;
  exitCode: number;
  lastRcChange?: string;
}

export interface MonFenceEvent {
  target: string;
  action: string;
  status: 'success' | 'failed' | 'pending' | string;
  completed?: string;
  delegate?: string;
  exitReason?: string;
}

export interface CrmMon {
  /** crm_mon's own status code (0 = OK, 102 = not connected). */
  code: number;
  message: string;
  errors: string[];
  dc?: string;
  withQuorum?: boolean;
  stonithEnabled?: boolean;
  maintenanceMode?: boolean;
  nodes: MonNode[];
  clones: MonClone[];
  primitives: MonInstance[];
  /** Transient and permanent node attributes, per node name. */
  attributes: Record<string, Record<string, string>>;
  failures: MonFailure[];
  fenceHistory: MonFenceEvent[];
}

export async function parseCrmMon(xml: string): Promise<CrmMon> {
  const doc = await parseXml(xml);
  const root = doc['pacemaker-result'] ?? doc['crm_mon'];
  if (!root) throw new Error('not crm_mon XML output: no <pacemaker-result> element');
  const status = child(root, 'status');
  const summary = child(root, 'summary');
  const dc = child(summary, 'current_dc');
  const options = child(summary, 'cluster_options');
  const attributes: CrmMon['attributes'] = {};
  for (const node of children(child(root, 'node_attributes'), 'node')) {
    const values: Record<string, string> = {};
    for (const a of children(node, 'attribute')) values[attr(a, 'name')!] = attr(a, 'value') ?? '';
    attributes[attr(node, 'name')!] = values;
  }
  const resources = child(root, 'resources');
  return {
    code: Number(attr(status, 'code') ?? 0),
    message: attr(status, 'message') ?? 'OK',
    errors: texts(child(status, 'errors'), 'error'),
    ...(attr(dc, 'present') === 'true' ? { dc: attr(dc, 'name'), withQuorum: boolAttr(dc, 'with_quorum') } : {}),
    ...(options ? { stonithEnabled: boolAttr(options, 'stonith-enabled'), maintenanceMode: boolAttr(options, 'maintenance-mode') } : {}),
    nodes: children(child(root, 'nodes'), 'node').map(parseNode),
    clones: children(resources, 'clone').map((clone) => ({
      id: attr(clone, 'id')!,
      promotable: boolAttr(clone, 'multi_state'),
      instances: children(clone, 'resource').map(parseInstance),
    })),
    primitives: children(resources, 'resource').map(parseInstance),
    attributes,
    failures: children(child(root, 'failures'), 'failure').map(parseFailure),
    // crm_mon puts them in <fence_history>, stonith_admin --history in <list name="fencing history">.
    fenceHistory: children(child(root, 'fence_history') ?? child(root, 'list'), 'fence_event').map((e) => ({
      target: attr(e, 'target')!,
      action: attr(e, 'action')!,
      status: attr(e, 'status')!,
      ...optional('completed', attr(e, 'completed')),
      ...optional('delegate', attr(e, 'delegate')),
      ...optional('exitReason', mapDefined(attr(e, 'exit-reason'), unescapeCrmMonText)),
    })),
  };
}

/** Text of child elements: xml2js gives a string for an element without attributes. */
const texts = (element: XmlElement | undefined, name: string): string[] => {
  const value = element?.[name];
  return Array.isArray(value) ? value.map((e) => (typeof e === 'string' ? e : String((e as { _?: string })._ ?? ''))) : [];
};
const mapDefined = (value: string | undefined, f: (v: string) => string) => (value === undefined ? undefined : f(value));
const optional = <K extends string>(key: K, value: string | undefined) => (value === undefined ? {} : ({ [key]: value } as Record<K, string>));

function parseNode(node: XmlElement): MonNode {
  return {
    name: attr(node, 'name')!,
    id: attr(node, 'id') ?? '',
    online: boolAttr(node, 'online'),
    standby: boolAttr(node, 'standby'),
    standbyOnFail: boolAttr(node, 'standby_onfail'),
    maintenance: boolAttr(node, 'maintenance'),
    pending: boolAttr(node, 'pending'),
    unclean: boolAttr(node, 'unclean'),
    shutdown: boolAttr(node, 'shutdown'),
    isDc: boolAttr(node, 'is_dc'),
  };
}

function parseInstance(resource: XmlElement): MonInstance {
  return {
    resourceId: attr(resource, 'id')!,
    agent: attr(resource, 'resource_agent') ?? '',
    role: attr(resource, 'role') ?? 'Stopped',
    active: boolAttr(resource, 'active'),
    failed: boolAttr(resource, 'failed'),
    managed: attr(resource, 'managed') !== 'false',
    nodes: children(resource, 'node').map((n) => attr(n, 'name')!),
  };
}

function parseFailure(failure: XmlElement): MonFailure {
  const opKey = attr(failure, 'op_key') ?? attr(failure, 'id') ?? '';
  const task = attr(failure, 'task') ?? '';
  const intervalMs = Number(attr(failure, 'interval') ?? 0);
  // op_key is <resource>_<task>_<interval in ms>; resource ids may themselves contain "_".
  const suffix = `_${task}_${intervalMs}`;
  return {
    resourceId: task && opKey.endsWith(suffix) ? opKey.slice(0, -suffix.length) : opKey.replace(/_[^_]+_\d+$/, ''),
    opKey,
    task,
    intervalMs,
    node: attr(failure, 'node') ?? '',
    exitStatus: attr(failure, 'exitstatus') ?? '',
    exitReason: unescapeCrmMonText(attr(failure, 'exitreason') ?? ''),
    exitCode: Number(attr(failure, 'exitcode') ?? -1),
    ...optional('lastRcChange', attr(failure, 'last-rc-change')),
  };
}

/** Pacemaker's view of a node, in the words `pgha status` prints. */
export type NodeState = 'online' | 'standby' | 'maintenance' | 'pending' | 'offline' | 'unclean' | 'fenced';

export function nodeState(node: MonNode, fenceHistory: readonly MonFenceEvent[]): NodeState {
  if (node.unclean) return 'unclean';
  if (node.online) {
    if (node.pending) return 'pending';
    if (node.maintenance) return 'maintenance';
    return node.standby || node.standbyOnFail ? 'standby' : 'online';
  }
  const last = lastFenceEvent(node.name, fenceHistory);
  return last?.status === 'success' && last.action !== 'on' ? 'fenced' : 'offline';
}

/** The most recent completed fencing of `target` (pending events have no completion time). */
export function lastFenceEvent(target: string, history: readonly MonFenceEvent[]): MonFenceEvent | undefined {
  return history
    .filter((e) => e.target === target && e.status !== 'pending')
    .sort((a, b) => Date.parse(b.completed ?? '') - Date.parse(a.completed ?? ''))[0];
}

/** Role of `primitiveId`'s clone instance on each node (nodes without one are absent). */
export function rolesByNode(mon: CrmMon, primitiveId: string): Map<string, string> {
  const roles = new Map<string, string>();
  for (const clone of mon.clones) {
    for (const instance of clone.instances) {
      if (instance.resourceId !== primitiveId && !instance.resourceId.startsWith(`${primitiveId}:`)) continue;
      for (const node of instance.nodes) roles.set(node, instance.role);
    }
  }
  return roles;
}

/** The failures of `primitiveId` (any instance), most recent first. */
export function failuresOf(mon: CrmMon, primitiveId: string): MonFailure[] {
  return mon.failures
    .filter((f) => f.resourceId === primitiveId || f.resourceId.startsWith(`${primitiveId}:`))
    .sort((a, b) => Date.parse(b.lastRcChange ?? '') - Date.parse(a.lastRcChange ?? ''));
}
