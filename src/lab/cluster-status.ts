import { parseStringPromise } from 'xml2js';
import { unescapeCrmMonText } from '../pacemaker/xml.js';

/**
 * What the lab needs to know from `crm_mon --output-as=xml`: quorum, which
 * nodes are online, where the clone is promoted / unpromoted, where the VIP
 * runs and which operations failed. Pure over the XML text.
 */
export interface ClusterStatus {
  dc: string | undefined;
  quorate: boolean;
  online: string[];
  offline: string[];
  /** Nodes pacemaker considers unclean (awaiting fencing). */
  unclean: string[];
  promoted: string[];
  unpromoted: string[];
  /** Nodes where the VIP is started. */
  vip: string[];
  failures: string[];
  /** Promotion scores (node attribute master-<resource>) by node, when crm_mon was asked for attributes (-A). */
  scores: Record<string, number>;
}

type Attrs = Record<string, string>;
interface XmlNode {
  $?: Attrs;
  [child: string]: unknown;
}

const children = (node: XmlNode | undefined, name: string): XmlNode[] => (node?.[name] as XmlNode[] | undefined) ?? [];
const attr = (node: XmlNode, name: string) => node.$?.[name];

const PROMOTED_ROLES = new Set(['Promoted', 'Master']);
const UNPROMOTED_ROLES = new Set(['Unpromoted', 'Slave']);

export async function parseCrmMonXml(xml: string, cloneId: string, vipId: string, scoreAttribute = 'master-pgsqld'): Promise<ClusterStatus> {
  const doc = (await parseStringPromise(xml)) as { 'pacemaker-result'?: XmlNode };
  const root = doc['pacemaker-result'];
  if (!root) throw new Error('crm_mon output has no pacemaker-result element');
  const dcNode = children(children(root, 'summary')[0], 'current_dc')[0];
  const nodes = children(children(root, 'nodes')[0], 'node');
  const status: ClusterStatus = {
    dc: dcNode && attr(dcNode, 'present') === 'true' ? attr(dcNode, 'name') : undefined,
    quorate: dcNode ? attr(dcNode, 'with_quorum') === 'true' : false,
    online: nodes.filter((n) => attr(n, 'online') === 'true').map((n) => attr(n, 'name')!),
    offline: nodes.filter((n) => attr(n, 'online') !== 'true').map((n) => attr(n, 'name')!),
    unclean: nodes.filter((n) => attr(n, 'unclean') === 'true').map((n) => attr(n, 'name')!),
    promoted: [],
    unpromoted: [],
    vip: [],
    failures: children(children(root, 'failures')[0], 'failure').map(
      (f) => `${attr(f, 'op_key') ?? '?'} on ${attr(f, 'node') ?? '?'}: ${unescapeCrmMonText(attr(f, 'exitreason') ?? '') || attr(f, 'exitstatus') || '?'}`,
    ),
    scores: {},
  };
  for (const n of children(children(root, 'node_attributes')[0], 'node')) {
    const score = children(n, 'attribute').find((a) => attr(a, 'name') === scoreAttribute);
    if (score && attr(score, 'value') !== undefined) status.scores[attr(n, 'name')!] = Number(attr(score, 'value'));
  }
  const resources = children(root, 'resources')[0];
  const placed = (r: XmlNode) => children(r, 'node').map((n) => attr(n, 'name')!);
  for (const clone of children(resources, 'clone').filter((c) => attr(c, 'id') === cloneId)) {
    for (const r of children(clone, 'resource')) {
      if (attr(r, 'active') !== 'true' || attr(r, 'failed') === 'true') continue;
      const role = attr(r, 'role') ?? '';
      if (PROMOTED_ROLES.has(role)) status.promoted.push(...placed(r));
      else if (UNPROMOTED_ROLES.has(role)) status.unpromoted.push(...placed(r));
    }
  }
  for (const r of children(resources, 'resource').filter((x) => attr(x, 'id') === vipId)) {
    if (attr(r, 'active') === 'true' && attr(r, 'role') === 'Started') status.vip.push(...placed(r));
  }
  status.promoted.sort();
  status.unpromoted.sort();
  return status;
}

/** Every standby has a positive promotion score: a failover right now could promote one of them. */
export function standbysPromotable(status: ClusterStatus): boolean {
  return status.unpromoted.length > 0 && status.unpromoted.every((n) => (status.scores[n] ?? Number.NEGATIVE_INFINITY) > 0);
}

/** One primary with the VIP and every other listed node a healthy standby, all online, quorate. */
export function isHealthy(status: ClusterStatus, nodes: readonly string[], expectedPrimary?: string): boolean {
  const primary = status.promoted[0];
  return (
    status.quorate &&
    nodes.every((n) => status.online.includes(n)) &&
    status.promoted.length === 1 &&
    (expectedPrimary === undefined || primary === expectedPrimary) &&
    status.vip.length === 1 &&
    status.vip[0] === primary &&
    nodes.filter((n) => n !== primary).every((n) => status.unpromoted.includes(n))
  );
}
