import { attr, child, children, descendants, nvpairs, parseXml, type XmlElement } from './xml.js';
import { isTrue } from '../common/text.js';

/** One <op> of the PostgreSQL primitive, as the CIB holds it. */
export interface CibOperation {
  name: string;
  interval?: string;
  role?: string;
  onFail?: string;
}

export interface CibNode {
  id: string;
  uname: string;
  /** member, remote or ping: only members run resources and are fenced by the cluster's devices. */
  type: string;
}

/** The ocf:pgha:postgresql primitive, its clone and its instance attributes. */
export interface CibPgResource {
  primitiveId: string;
  cloneId?: string;
  params: Record<string, string>;
  cloneMeta: Record<string, string>;
  operations: CibOperation[];
}

export interface CibFenceDevice {
  id: string;
  agent: string;
  params: Record<string, string>;
  meta: Record<string, string>;
}

export interface CibFencingLevel {
  id: string;
  index: number;
  target?: string;
  targetPattern?: string;
  targetAttribute?: string;
  targetValue?: string;
  devices: string[];
}

export interface CibLocation {
  id: string;
  rsc?: string;
  rscPattern?: string;
  node?: string;
  /** "INFINITY", "-INFINITY" or a number, as written. */
  score?: string;
  /** The constraint uses rules, which are not evaluated. */
  hasRule: boolean;
}

/** A configured resource: primitives with their class:provider:type, containers with their primitives. */
export interface CibResource {
  id: string;
  /** class:provider:type for primitives; "clone", "group" or "bundle" for containers ("master" reads as clone). */
  kind: string;
  meta: Record<string, string>;
  /** The primitive ids inside a container. */
  children: string[];
}

export interface Cib {
  nodes: CibNode[];
  /**
   * Cluster properties (crm_config), every cluster_property_set: also the synchronous sets the
   * agents published. The stonith-* names carry their fencing-* renames' values (withFencingAliases).
   */
  properties: Record<string, string>;
  rscDefaults: Record<string, string>;
  pgResources: CibPgResource[];
  fenceDevices: CibFenceDevice[];
  fencingLevels: CibFencingLevel[];
  locations: CibLocation[];
  resources: CibResource[];
  /** Permanent node attributes (nodes section), per uname: standby, fencing-topology target-attribute values. */
  nodeAttributes: Record<string, Record<string, string>>;
}

/**
 * Pacemaker 3.0.2 names the stonith-* cluster options fencing-* and keeps the old names as
 * aliases. The model uses the old names (what every supported Pacemaker reads), each with the
 * new name's value when that is set.
 */
const FENCING_RENAMES: readonly [string, string][] = [
  ['fencing-enabled', 'stonith-enabled'],
  ['fencing-action', 'stonith-action'],
  ['fencing-timeout', 'stonith-timeout'],
  ['fencing-watchdog-timeout', 'stonith-watchdog-timeout'],
];

export function withFencingAliases(properties: Record<string, string>): Record<string, string> {
  const out = { ...properties };
  for (const [current, old] of FENCING_RENAMES) if (properties[current] !== undefined) out[old] = properties[current];
  return out;
}

export const PG_AGENT = { class: 'ocf', provider: 'pgha', type: 'postgresql' } as const;
/** PAF's agent takes the same parameters and publishes the same promotion attribute: status and switchover work on it too. */
const COMPATIBLE_AGENTS = [PG_AGENT, { class: 'ocf', provider: 'heartbeat', type: 'pgsqlms' }] as const;

export async function parseCib(xml: string): Promise<Cib> {
  const doc = await parseXml(xml);
  const cib = doc['cib'];
  if (!cib) throw new Error('not a CIB: no <cib> element');
  const configuration = child(cib, 'configuration');
  const resources = child(configuration, 'resources');
  const nodeAttributes: Cib['nodeAttributes'] = {};
  const nodes = children(child(configuration, 'nodes'), 'node').map((n) => {
    const node = { id: attr(n, 'id') ?? '', uname: attr(n, 'uname') ?? attr(n, 'id') ?? '', type: attr(n, 'type') ?? 'member' };
    nodeAttributes[node.uname] = nvpairs(n, 'instance_attributes');
    return node;
  });
  const pgResources: CibPgResource[] = [];
  for (const clone of [...children(resources, 'clone'), ...children(resources, 'master')]) {
    for (const primitive of children(clone, 'primitive').filter(isPgAgent)) pgResources.push(pgResource(primitive, clone));
  }
  for (const primitive of children(resources, 'primitive').filter(isPgAgent)) pgResources.push(pgResource(primitive));
  const fenceDevices = descendants(resources, 'primitive')
    .filter((p) => attr(p, 'class') === 'stonith')
    .map((p) => ({ id: attr(p, 'id') ?? '', agent: attr(p, 'type') ?? '', params: nvpairs(p, 'instance_attributes'), meta: nvpairs(p, 'meta_attributes') }));
  const fencingLevels = children(child(configuration, 'fencing-topology'), 'fencing-level').map((l) => ({
    id: attr(l, 'id') ?? '',
    index: Number(attr(l, 'index') ?? 0),
    ...opt('target', attr(l, 'target')),
    ...opt('targetPattern', attr(l, 'target-pattern')),
    ...opt('targetAttribute', attr(l, 'target-attribute')),
    ...opt('targetValue', attr(l, 'target-value')),
    devices: (attr(l, 'devices') ?? '').split(',').map((d) => d.trim()).filter((d) => d !== ''),
  }));
  const locations = children(child(configuration, 'constraints'), 'rsc_location').map((c) => ({
    id: attr(c, 'id') ?? '',
    ...opt('rsc', attr(c, 'rsc')),
    ...opt('rscPattern', attr(c, 'rsc-pattern')),
    ...opt('node', attr(c, 'node')),
    ...opt('score', attr(c, 'score')),
    hasRule: children(c, 'rule').length > 0,
  }));
  return {
    nodes,
    properties: withFencingAliases(nvpairs(child(configuration, 'crm_config'), 'cluster_property_set')),
    rscDefaults: nvpairs(child(configuration, 'rsc_defaults'), 'meta_attributes'),
    pgResources,
    fenceDevices,
    fencingLevels,
    locations,
    resources: configuredResources(resources),
    nodeAttributes,
  };
}

/** Every resource, containers listed after the primitives and groups they hold. */
function configuredResources(resources: XmlElement | undefined): CibResource[] {
  const found: CibResource[] = [];
  const visit = (element: XmlElement, kind: string): string[] => {
    const id = attr(element, 'id') ?? '';
    const meta = nvpairs(element, 'meta_attributes');
    if (kind === 'primitive') {
      const type = [attr(element, 'class'), attr(element, 'provider'), attr(element, 'type')].filter(Boolean).join(':');
      if (attr(element, 'class') !== 'stonith') found.push({ id, kind: type, meta, children: [] });
      return [id];
    }
    const inner = ['primitive', 'group'].flatMap((k) => children(element, k).flatMap((c) => visit(c, k)));
    found.push({ id, kind: kind === 'master' ? 'clone' : kind, meta, children: inner });
    return [id, ...inner];
  };
  for (const kind of ['primitive', 'group', 'clone', 'master', 'bundle']) for (const element of children(resources, kind)) visit(element, kind);
  return found;
}

function pgResource(primitive: XmlElement, clone?: XmlElement): CibPgResource {
  const operations = children(child(primitive, 'operations'), 'op').map((op) => ({
    name: attr(op, 'name') ?? '',
    ...opt('interval', attr(op, 'interval')),
    ...opt('role', attr(op, 'role')),
    ...opt('onFail', attr(op, 'on-fail')),
  }));
  return {
    primitiveId: attr(primitive, 'id')!,
    ...(clone ? { cloneId: attr(clone, 'id')! } : {}),
    params: nvpairs(primitive, 'instance_attributes'),
    cloneMeta: clone ? nvpairs(clone, 'meta_attributes') : {},
    operations,
  };
}

const isPgAgent = (p: XmlElement) =>
  COMPATIBLE_AGENTS.some((a) => attr(p, 'class') === a.class && attr(p, 'provider') === a.provider && attr(p, 'type') === a.type);
const opt = <K extends string>(key: K, value: string | undefined) => (value === undefined ? {} : ({ [key]: value } as Record<K, string>));

/** The pgha resource to report on: the one named, or the only one configured. */
export function findPgResource(cib: Cib, primitiveId?: string): CibPgResource {
  if (primitiveId) {
    const found = cib.pgResources.find((r) => r.primitiveId === primitiveId || r.cloneId === primitiveId);
    if (!found) throw new Error(`no ${PG_AGENT.class}:${PG_AGENT.provider}:${PG_AGENT.type} resource named ${primitiveId} in the CIB`);
    return found;
  }
  if (cib.pgResources.length === 0) {
    throw new Error(`no ${PG_AGENT.class}:${PG_AGENT.provider}:${PG_AGENT.type} resource in the CIB (run pgha configure first)`);
  }
  if (cib.pgResources.length > 1) {
    throw new Error(`several pgha resources (${cib.pgResources.map((r) => r.primitiveId).join(', ')}): choose one with --resource`);
  }
  return cib.pgResources[0]!;
}

/** Pacemaker's default: fencing is on unless stonith-enabled says otherwise. */
export function stonithEnabled(cib: Cib): boolean {
  const value = cib.properties['stonith-enabled'];
  return value === undefined || isTrue(value);
}

/**
 * The fence devices that can fence `node`, as far as the CIB tells: fencing-topology levels when
 * one targets the node, else devices whose pcmk_host_list / pcmk_host_map name it. A device with
 * neither asks the agent at fence time (dynamic list): it is listed with a "?".
 */
export function fenceDevicesFor(cib: Cib, node: string): string[] {
  const levels = cib.fencingLevels.filter((l) => levelTargets(cib, l, node)).sort((a, b) => a.index - b.index);
  if (levels.length > 0) return [...new Set(levels.flatMap((l) => l.devices))];
  const covering: string[] = [];
  for (const device of cib.fenceDevices) {
    if (device.meta['target-role']?.toLowerCase() === 'stopped') continue;
    const check = device.params['pcmk_host_check'];
    const list = device.params['pcmk_host_list'];
    const map = device.params['pcmk_host_map'];
    if (check === 'none') covering.push(device.id);
    else if (list !== undefined || map !== undefined) {
      if (hostListNames(list).includes(node) || hostMapNames(map).includes(node)) covering.push(device.id);
    } else covering.push(`${device.id}?`);
  }
  return covering;
}

function levelTargets(cib: Cib, level: CibFencingLevel, node: string): boolean {
  if (level.target !== undefined) return level.target === node;
  if (level.targetPattern !== undefined) {
    try {
      return new RegExp(level.targetPattern).test(node);
    } catch {
      return false;
    }
  }
  if (level.targetAttribute !== undefined) return cib.nodeAttributes[node]?.[level.targetAttribute] === level.targetValue;
  return false;
}

const hostListNames = (list: string | undefined) => (list ?? '').split(/[\s,;]+/).filter((n) => n !== '');
/** pcmk_host_map: "node1:port1;node2:port2" (also separated by spaces or commas). */
const hostMapNames = (map: string | undefined) =>
  (map ?? '').split(/[\s,;]+/).map((entry) => entry.split(/[:=]/)[0]!).filter((n) => n !== '');
