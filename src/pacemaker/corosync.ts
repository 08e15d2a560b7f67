import { quoteValue } from '../ocf/log.js';
/**
 * Node addresses from `corosync-cmapctl -b nodelist.node` lines such as
 * `nodelist.node.0.ring0_addr (str) = 10.20.0.11` and `nodelist.node.0.name (str) = node1`.
 */
export function parseCorosyncNodelist(output: string): Map<string, string> {
  const byIndex = new Map<string, { name?: string; nodeid?: string; addr?: string }>();
  for (const line of output.split('\n')) {
    const match = /^nodelist\.node\.(\d+)\.(name|nodeid|ring0_addr)\s+\([a-z0-9]+\)\s+=\s+(.*)$/.exec(line.trim());
    if (!match) continue;
    const [, index, key, value] = match;
    const entry = byIndex.get(index!) ?? {};
    if (key === 'ring0_addr') entry.addr = value!.trim();
    else if (key === 'name') entry.name = value!.trim();
    else entry.nodeid = value!.trim();
    byIndex.set(index!, entry);
  }
  const addresses = new Map<string, string>();
  for (const entry of byIndex.values()) {
    // Without a name, corosync (and Pacemaker) call the node by its ring0 address.
    const name = entry.name ?? entry.addr;
    if (name && entry.addr) addresses.set(name, entry.addr);
  }
  return addresses;
}

/** `--host node=addr` flags, repeatable. */
export function parseHostFlags(flags: readonly string[]): Map<string, string> {
  const hosts = new Map<string, string>();
  for (const flag of flags) {
    const match = /^([^=\s]+)=([^=\s]+)$/.exec(flag);
    if (!match) throw new Error(`--host ${quoteValue(flag)}: expected node=address`);
    hosts.set(match[1]!, match[2]!);
  }
  return hosts;
}

/** `corosync-cmapctl` output (`key (type) = value` lines) as flat keys. */
export function flattenCmapctl(text: string): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^(\S+)\s+\([^)]*\)\s+=\s?(.*)$/.exec(line.trim());
    if (m) flat[m[1]!] = m[2]!;
  }
  return flat;
}

/**
 * Whether this node's partition has quorum, from `corosync-quorumtool -s`
 * ("Quorate: Yes"); undefined when the output says neither.
 */
export function parseQuorate(output: string): boolean | undefined {
  const match = /^Quorate:\s+(Yes|No)\b/m.exec(output);
  return match ? match[1] === 'Yes' : undefined;
}

/** Margin for the membership protocol's own rounds (join, commit, recovery, votequorum sync) on a slow network. */
const MEMBERSHIP_ROUNDS_MARGIN_MS = 1_000;

/**
 * How long after losing contact corosync has surely formed a new membership
 * (and votequorum recomputed quorum): the token timeout as it runs (with
 * token_coefficient), then the consensus timeout, then the protocol's rounds.
 * From `corosync-cmapctl -b runtime.config.totem` flattened; undefined
 * without both timeouts.
 */
export function membershipSettleMs(flat: Readonly<Record<string, string>>): number | undefined {
  const token = Number(flat['runtime.config.totem.token']);
  const consensus = Number(flat['runtime.config.totem.consensus']);
  const join = Number(flat['runtime.config.totem.join'] ?? 0);
  if (!(token > 0) || !(consensus > 0)) return undefined;
  return token + consensus + (join > 0 ? join : 0) + MEMBERSHIP_ROUNDS_MARGIN_MS;
}
