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
