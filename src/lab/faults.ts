import { readFile } from 'node:fs/promises';
import { setNodeLink } from './network.js';
import { liveProcessesInNetns } from './proc.js';
import { findLabNode } from './state.js';

/** Faults the tests inject into a running lab, beyond power (power.ts). */
export async function cutNodeNetwork(node: string): Promise<void> {
  await setNodeLink(await findLabNode(node), false);
}

export async function restoreNodeNetwork(node: string): Promise<void> {
  await setNodeLink(await findLabNode(node), true);
}

/** Pids in the node whose command line starts with `prefix` (e.g. "postgres: walreceiver"). */
export async function nodeProcessesMatching(node: string, match: (cmdline: string) => boolean): Promise<number[]> {
  const n = await findLabNode(node);
  const found: number[] = [];
  for (const pid of await liveProcessesInNetns(n.netnsInode)) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (match(cmdline.replace(/\0/g, ' ').trim())) found.push(pid);
  }
  return found;
}

/** The postmaster of the node's PostgreSQL (the postgres process whose parent is not postgres). */
export async function postmasterPid(node: string): Promise<number | undefined> {
  const pids = await nodeProcessesMatching(node, (c) => /\/postgres\b.*\s-D\s/.test(c) || /^\/usr\/lib\/postgresql\/\d+\/bin\/postgres\b/.test(c));
  return pids[0];
}

export const walReceiverPids = (node: string) => nodeProcessesMatching(node, (c) => c.startsWith('postgres: ') && c.includes('walreceiver'));

/** SIGSTOP / SIGCONT to the node's WAL receiver: it stops receiving WAL while the primary keeps writing. */
export async function pauseWalReceiver(node: string, pause: boolean): Promise<number[]> {
  const pids = await walReceiverPids(node);
  for (const pid of pids) process.kill(pid, pause ? 'SIGSTOP' : 'SIGCONT');
  return pids;
}

export async function killPostmaster(node: string): Promise<number> {
  const pid = await postmasterPid(node);
  if (pid === undefined) throw new Error(`${node}: no postmaster running`);
  process.kill(pid, 'SIGKILL');
  return pid;
}
