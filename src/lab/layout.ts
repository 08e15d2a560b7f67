/**
 * The lab's fixed shape: names and addresses of every namespace it creates.
 * Pure: no I/O. All addresses live in one private /24 that exists only inside
 * the lab's own network namespaces (nothing is routed to or from the host).
 */
export const LAB_SUBNET = '10.213.7';
export const LAB_PREFIX = 24;
export const VIP = `${LAB_SUBNET}.100`;
export const CLIENT_IP = `${LAB_SUBNET}.200`;
export const SWITCH_NETNS = 'pgha-sw';
export const BRIDGE = 'br0';
export const CLIENT_NETNS = 'pgha-client';
/** The interface name every node (and the client) sees inside its own namespace. */
export const NODE_NIC = 'eth0';
export const CLUSTER_NAME = 'pgha_lab';
export const PG_PORT = 5432;
export const MIN_NODES = 2;
export const MAX_NODES = 9;

export interface LabNodeLayout {
  /** Pacemaker/corosync node name and hostname: node1, node2, ... */
  name: string;
  /** corosync nodeid */
  id: number;
  netns: string;
  ip: string;
  /** The switch-side end of the node's veth, in SWITCH_NETNS. */
  switchPort: string;
}

export function nodeLayout(index: number): LabNodeLayout {
  if (!Number.isInteger(index) || index < 1 || index > MAX_NODES) throw new RangeError(`node index ${index} is outside 1..${MAX_NODES}`);
  const name = `node${index}`;
  return { name, id: index, netns: `pgha-${name}`, ip: `${LAB_SUBNET}.${10 + index}`, switchPort: `p-${name}` };
}

export function labLayout(count: number): LabNodeLayout[] {
  if (!Number.isInteger(count) || count < MIN_NODES || count > MAX_NODES) {
    throw new RangeError(`a lab has ${MIN_NODES} to ${MAX_NODES} nodes, not ${count}`);
  }
  return Array.from({ length: count }, (_, i) => nodeLayout(i + 1));
}

/** Every netns name the lab may own, for a given node count (used by down to clean up). */
export function labNetnsNames(nodes: readonly LabNodeLayout[]): string[] {
  return [...nodes.map((n) => n.netns), CLIENT_NETNS, SWITCH_NETNS];
}
