import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sleep } from '../exec/deadline.js';
import { killNetnsProcesses } from './kill.js';
import { bootNode, unplugNic } from './node-boot.js';
import { isAlive, liveProcessesInNetns, refOf } from './proc.js';
import { clearHolderRef, findLabNode, nodeDir, requireLabState, type ProcessRef } from './state.js';

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
  await withPowerSwitch(node, async () => {
    await killNetnsProcesses(n.netnsInode, node);
    // A powered-off machine answers nothing: without this its kernel would keep
    // answering ARP for addresses it held (the VIP), against the new primary.
    await unplugNic(n);
    await clearHolderRef(node);
  });
}

/** Boots the node: fresh mount/UTS namespaces and tmpfs /run, then corosync and pacemakerd. No-op if already on. */
export async function labPowerOn(node: string): Promise<void> {
  const n = await findLabNode(node);
  await withPowerSwitch(node, async () => {
    if ((await liveProcessesInNetns(n.netnsInode)).length > 0) return;
    await bootNode(n);
  });
}

/**
 * One power action at a time per node, across processes (the host's tests, fence agents in
 * other nodes): a node looks off as soon as its processes are dead, while the power-off still
 * unplugs its NIC and forgets its holder; a power-on then would lose both to it.
 * The lock is a file naming its owner; an owner that died (a fence agent killed on timeout) leaves a stale one.
 */
async function withPowerSwitch<T>(node: string, action: () => Promise<T>): Promise<T> {
  const lock = join(nodeDir(node), 'power.lock');
  const end = Date.now() + POWER_LOCK_WAIT_MS;
  const owner = JSON.stringify(await refOf(process.pid));
  for (;;) {
    try {
      await writeFile(lock, owner, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (await isStaleLock(lock)) await rm(lock, { force: true });
      else if (Date.now() > end) throw new Error(`${node}: another power action has held ${lock} for ${POWER_LOCK_WAIT_MS / 1000}s`);
      else await sleep(50);
    }
  }
  try {
    return await action();
  } finally {
    await rm(lock, { force: true });
  }
}

/** Longer than a boot or a power-off takes (each well under 30 s). */
const POWER_LOCK_WAIT_MS = 60_000;

async function isStaleLock(lock: string): Promise<boolean> {
  const text = await readFile(lock, 'utf8').catch(() => undefined);
  if (text === undefined) return false; // just removed: try again
  let ref: ProcessRef | undefined;
  try {
    ref = JSON.parse(text) as ProcessRef;
  } catch {
    // Being written: stale only if it stays unreadable.
    const age = Date.now() - ((await stat(lock).catch(() => undefined))?.mtimeMs ?? Date.now());
    return age > 5_000;
  }
  return !(await isAlive(ref));
}
