import { parseStringPromise } from 'xml2js';
import type { ClusterModel, FenceDevice, FencingLevel, LocationConstraint, ResourceInfo } from './cluster-model.js';

type XmlNode = { $?: Record<string, string> } & Record<string, unknown>;

const children = (node: XmlNode | undefined, name: string): XmlNode[] => ((node?.[name] as XmlNode[] | undefined) ?? []).filter((c) => typeof c === 'object');
const child = (node: XmlNode | undefined, name: string): XmlNode | undefined => children(node, name)[0];
const attr = (node: XmlNode | undefined, name: string): string | undefined => node?.$?.[name];

/** nvpairs of every `<setName>` block under `node`, later blocks winning (rules are not evaluated). */
function nvpairs(node: XmlNode | undefined, setName: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const set of children(node, setName)) {
    for (const pair of children(set, 'nvpair')) {
      const name = attr(pair, 'name');
      if (name !== undefined) out[name] = attr(pair, 'value') ?? '';
    }
  }
  return out;
}

/**
 * Pacemaker 3.0.2 names the stonith-* cluster options fencing-* and keeps the
 * old names as aliases. The model uses the old names (what every supported
 * Pacemaker reads), each with the new name's value when that is set.
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

/** Parses CIB XML (`cibadmin -Q`, or a file) into the fencing-relevant model. */
export async function parseCib(xml: string): Promise<Omit<ClusterModel, 'corosync' | 'sbd' | 'dynamicTargets'>> {
  const doc = (await parseStringPromise(xml, { explicitArray: true })) as { cib?: XmlNode };
  if (!doc.cib) throw new Error('not a CIB: the root element is not <cib>');
  const config = child(doc.cib, 'configuration');
  if (!config) throw new Error('not a CIB: no <configuration>');

  const nodes = children(child(config, 'nodes'), 'node')
    .filter((n) => (attr(n, 'type') ?? 'member') === 'member')
    .map((n) => attr(n, 'uname') ?? attr(n, 'id') ?? '')
    .filter(Boolean);
  const nodeAttributes = Object.fromEntries(
    children(child(config, 'nodes'), 'node').map((n) => [attr(n, 'uname') ?? attr(n, 'id') ?? '', nvpairs(n, 'instance_attributes')]),
  );

  const devices: FenceDevice[] = [];
  const resources: ResourceInfo[] = [];
  const visit = (node: XmlNode, kind: string): string[] => {
    const id = attr(node, 'id') ?? '';
    const meta = nvpairs(node, 'meta_attributes');
    if (kind === 'primitive') {
      const cls = attr(node, 'class') ?? '';
      if (cls === 'stonith') devices.push({ id, agent: attr(node, 'type') ?? '', params: nvpairs(node, 'instance_attributes'), meta });
      else resources.push({ id, kind: [cls, attr(node, 'provider'), attr(node, 'type')].filter(Boolean).join(':'), meta, children: [] });
      return [id];
    }
    const inner = ['primitive', 'group'].flatMap((k) => children(node, k).flatMap((c) => visit(c, k)));
    resources.push({ id, kind, meta, children: inner });
    return [id, ...inner];
  };
  const resourcesNode = child(config, 'resources');
  for (const kind of ['primitive', 'group', 'clone', 'master', 'bundle']) {
    for (const node of children(resourcesNode, kind)) visit(node, kind === 'master' ? 'clone' : kind);
  }

  const locations: LocationConstraint[] = children(child(config, 'constraints'), 'rsc_location').map((c) => ({
    id: attr(c, 'id') ?? '',
    rsc: attr(c, 'rsc'),
    rscPattern: attr(c, 'rsc-pattern'),
    node: attr(c, 'node'),
    score: attr(c, 'score'),
    hasRule: children(c, 'rule').length > 0,
  }));

  const levels: FencingLevel[] = children(child(config, 'fencing-topology'), 'fencing-level').map((l) => ({
    id: attr(l, 'id') ?? '',
    index: Number(attr(l, 'index') ?? '0'),
    devices: (attr(l, 'devices') ?? '').split(',').map((d) => d.trim()).filter(Boolean),
    target: attr(l, 'target'),
    targetPattern: attr(l, 'target-pattern'),
    targetAttribute: attr(l, 'target-attribute'),
    targetValue: attr(l, 'target-value'),
  }));

  return {
    nodes,
    nodeAttributes,
    properties: withFencingAliases(nvpairs(child(config, 'crm_config'), 'cluster_property_set')),
    rscDefaults: nvpairs(child(config, 'rsc_defaults'), 'meta_attributes'),
    devices,
    locations,
    levels,
    resources,
  };
}
