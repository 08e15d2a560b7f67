import { parseCrmMon, type MonInstance } from '../pacemaker/crm-mon.js';

/**
 * What the lab needs to know from `crm_mon --output-as=xml`: quorum, which
 * nodes are online, where the clone is promoted / unpromoted, where the VIP
 * runs and which operations failed. Pure over the XML text.
 */
export interface ClusterView {
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

const PROMOTED_ROLES = new Set(['Promoted', 'Master']);
const UNPROMOTED_ROLES = new Set(['Unpromoted', 'Slave']);

/** The lab's summary of crm_mon's XML, read by the one crm_mon parser pgha status uses too. */
export async function parseCrmMonXml(xml: string, cloneId: string, vipId: string, scoreAttribute = 'master-pgsqld'): Promise<ClusterView> {
  const mon = await parseCrmMon(xml);
  const healthy = (instances: readonly MonInstance[], roles: ReadonlySet<string>) =>
    instances.filter((i) => i.active && !i.failed && roles.has(i.role)).flatMap((i) => i.nodes).sort();
  const cloneInstances = mon.clones.filter((c) => c.id === cloneId).flatMap((c) => c.instances);
  const scores: Record<string, number> = {};
  for (const [node, attributes] of Object.entries(mon.attributes)) {
    if (attributes[scoreAttribute] !== undefined) scores[node] = Number(attributes[scoreAttribute]);
  }
  return {
    dc: mon.dc,
    quorate: mon.withQuorum ?? false,
    online: mon.nodes.filter((n) => n.online).map((n) => n.name),
    offline: mon.nodes.filter((n) => !n.online).map((n) => n.name),
    unclean: mon.nodes.filter((n) => n.unclean).map((n) => n.name),
    promoted: healthy(cloneInstances, PROMOTED_ROLES),
    unpromoted: healthy(cloneInstances, UNPROMOTED_ROLES),
    vip: mon.primitives.filter((r) => r.resourceId === vipId && r.active && r.role === 'Started').flatMap((r) => r.nodes),
    failures: mon.failures.map((f) => `${f.opKey || '?'} on ${f.node || '?'}: ${f.exitReason || f.exitStatus || '?'}`),
    scores,
  };
}

/** Every standby has a positive promotion score: a failover right now could promote one of them. */
export function standbysPromotable(status: ClusterView): boolean {
  return status.unpromoted.length > 0 && status.unpromoted.every((n) => (status.scores[n] ?? Number.NEGATIVE_INFINITY) > 0);
}

/** One primary with the VIP and every other listed node a healthy standby, all online, quorate. */
export function isHealthy(status: ClusterView, nodes: readonly string[], expectedPrimary?: string): boolean {
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
