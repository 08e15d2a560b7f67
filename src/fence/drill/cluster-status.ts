import { parseStringPromise } from 'xml2js';

type Attrs = Record<string, string>;
type XmlNode = { $?: Attrs } & Record<string, unknown>;

async function parse(xml: string): Promise<XmlNode> {
  return (await parseStringPromise(xml, { explicitArray: true })) as XmlNode;
}

/** Every element called `name` anywhere below `node`. */
function findAll(node: unknown, name: string, found: XmlNode[] = []): XmlNode[] {
  if (Array.isArray(node)) for (const item of node) findAll(item, name, found);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node as XmlNode)) {
      if (key === '$') continue;
      if (key === name && Array.isArray(value)) found.push(...(value as XmlNode[]).filter((v) => typeof v === 'object'));
      findAll(value, name, found);
    }
  }
  return found;
}

/** Online state per node name, from `crm_mon --one-shot --output-as=xml`. */
export async function parseNodesOnline(crmMonXml: string): Promise<Map<string, boolean>> {
  const doc = await parse(crmMonXml);
  const nodesSections = findAll(doc, 'nodes');
  return new Map(nodesSections.flatMap((s) => findAll(s, 'node')).filter((n) => n.$?.name && n.$.online !== undefined).map((n) => [n.$!.name!, n.$!.online === 'true']));
}

export interface ResourceInstance {
  id: string;
  agent: string;
  role: string;
  active: boolean;
  nodes: string[];
}

/** Resource instances from crm_mon XML (primitives inside clones included). */
export async function parseResourceInstances(crmMonXml: string): Promise<ResourceInstance[]> {
  const doc = await parse(crmMonXml);
  return findAll(doc, 'resource').map((r) => ({
    id: r.$?.id ?? '',
    agent: r.$?.resource_agent ?? '',
    role: r.$?.role ?? '',
    active: r.$?.active === 'true',
    nodes: findAll(r, 'node').map((n) => n.$?.name ?? '').filter(Boolean),
  }));
}

export interface FenceEvent {
  target: string;
  action: string;
  status: string;
  completedMs?: number;
}

/** Events from `stonith_admin --history NODE --output-as=xml`. */
export async function parseFenceHistory(xml: string): Promise<FenceEvent[]> {
  const doc = await parse(xml);
  return findAll(doc, 'fence_event').map((e) => ({
    target: e.$?.target ?? '',
    action: e.$?.action ?? '',
    status: e.$?.status ?? '',
    completedMs: parseCompleted(e.$?.completed ?? e.$?.['completed-nsec']),
  }));
}

/** "2024-05-11 14:03:28 +02:00" (Pacemaker's format) or ISO 8601. */
export function parseCompleted(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(value.trim());
  const ms = m ? Date.parse(`${m[1]}T${m[2]}${m[3] ? m[3].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2') : 'Z'}`) : Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}
