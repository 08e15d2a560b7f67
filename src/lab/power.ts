import { killNetnsProcesses } from './kill.js';
import { bootNode, unplugNic } from './node-boot.js';
import { liveProcessesInNetns } from './proc.js';
import { clearHolderRef, findLabNode, requireLabState } from './state.js';

/**
 * Power control of lab nodes, the "hardware" behind fence_pgha_lab. Usable
 * from the host and from inside any lab node's namespaces (a fence agent runs
 * in some node's pacemaker-fenced): it only reads the shared lab dir and
 * /proc, and reaches host namespaces through the lab's anchor process.
 *
 * A node is "on" while any live (non-zombie) process runs in its network namespace.
 */
export type PowerState = 'on' | 'off';

export async function labNodes(): Promise<string[]> {
  return (await requireLabState()).nodes.map((n) => n.name);
}

export async function labPowerStatus(node: string): Promise<PowerState> {
  const n = await findLabNode(node);
  return (await liveProcessesInNetns(n.netnsInode)).length > 0 ? 'on' : 'off';
}

/** Pulls the plug: SIGKILL to every process of the node at once (daemons, postgres, agents), verified in /proc. */
export async function labPowerOff(node: string): Promise<void> {
  const n = await findLabNode(node);
  await killNetnsProcesses(n.netnsInode, node);
  // A powered-off machine answers nothing: without this its kernel would keep
  // answering ARP for addresses it held (the VIP), against the new primary.
  await unplugNic(n);
  await clearHolderRef(node);
}

/** Boots the node: fresh mount/UTS namespaces and tmpfs /run, then corosync and pacemakerd. No-op if already on. */
export async function labPowerOn(node: string): Promise<void> {
  const n = await findLabNode(node);
  if ((await liveProcessesInNetns(n.netnsInode)).length > 0) return;
  await bootNode(n);
}
