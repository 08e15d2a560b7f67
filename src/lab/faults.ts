import { readFile } from 'node:fs/promises';
import { setNodeLink } from './network.js';
import { isLiveState, procStat } from '../common/proc.js';
import { liveProcessesInNetns } from './proc.js';
import { Deadline, pollUntil } from '../exec/deadline.js';
import { findLabNode, requireLabState } from './state.js';
import { PG_PORT } from './layout.js';
import { runInNode, runInNodeChecked } from './node-exec.js';

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

const NFT_TABLE = 'pgha_lab_fault';

/**
 * Cuts (or restores) the node's PostgreSQL replication traffic with nftables
 * inside its own network namespace: packets to and from port 5432 are dropped,
 * so a standby's WAL receiver stops receiving while everything else (corosync,
 * the agent's local socket) works. Processes stay runnable, so stopping the
 * instance still works (unlike pausing the WAL receiver).
 */
export async function blockReplication(node: string, block: boolean): Promise<void> {
  if (!block) {
    await runInNode(node, ['nft', 'delete', 'table', 'inet', NFT_TABLE], { timeoutMs: 5_000 });
    return;
  }
  for (const argv of nftBlockCommands(PG_PORT)) await runInNodeChecked(node, argv, { timeoutMs: 5_000 });
}

/** The nft commands dropping TCP traffic to and from `port` (pure). */
export function nftBlockCommands(port: number): string[][] {
  return [
    ['nft', 'add', 'table', 'inet', NFT_TABLE],
    ['nft', 'add', 'chain', 'inet', NFT_TABLE, 'out', '{ type filter hook output priority 0 ; }'],
    ['nft', 'add', 'chain', 'inet', NFT_TABLE, 'in', '{ type filter hook input priority 0 ; }'],
    ['nft', 'add', 'rule', 'inet', NFT_TABLE, 'out', 'tcp', 'dport', String(port), 'drop'],
    ['nft', 'add', 'rule', 'inet', NFT_TABLE, 'in', 'tcp', 'sport', String(port), 'drop'],
  ];
}

const PARTITION_TABLE = 'pgha_lab_partition';

/**
 * Partitions the node from the other nodes, not from the clients: with
 * nftables in its own network namespace it drops every packet from or to
 * another node's address (corosync, replication, fencing requests), so its
 * PostgreSQL still answers the client namespace, as an application server on
 * its side of a split would. The majority sees the node lost; the node sees
 * itself alone, without quorum.
 */
export async function partitionNode(node: string): Promise<void> {
  const others = (await requireLabState()).nodes.filter((n) => n.name !== node).map((n) => n.ip);
  for (const argv of nftPartitionCommands(others)) await runInNodeChecked(node, argv, { timeoutMs: 5_000 });
}

/** The nft commands dropping all traffic from and to `addresses` (pure). */
export function nftPartitionCommands(addresses: readonly string[]): string[][] {
  const set = `{ ${addresses.join(', ')} }`;
  return [
    ['nft', 'add', 'table', 'inet', PARTITION_TABLE],
    ['nft', 'add', 'chain', 'inet', PARTITION_TABLE, 'out', '{ type filter hook output priority 0 ; }'],
    ['nft', 'add', 'chain', 'inet', PARTITION_TABLE, 'in', '{ type filter hook input priority 0 ; }'],
    ['nft', 'add', 'rule', 'inet', PARTITION_TABLE, 'out', 'ip', 'daddr', set, 'drop'],
    ['nft', 'add', 'rule', 'inet', PARTITION_TABLE, 'in', 'ip', 'saddr', set, 'drop'],
  ];
}

/**
 * Removes every packet filter a fault left in the node's namespace (replication cut,
 * partition): the namespace, and its rules, outlive a power cycle.
 */
export async function clearPacketFilters(node: string): Promise<void> {
  for (const table of [NFT_TABLE, PARTITION_TABLE]) await runInNode(node, ['nft', 'delete', 'table', 'inet', table], { timeoutMs: 5_000 });
}

/** SIGSTOP / SIGCONT to the node's WAL receiver: it stops receiving WAL while the primary keeps writing. */
export async function pauseWalReceiver(node: string, pause: boolean): Promise<number[]> {
  const pids = await walReceiverPids(node);
  for (const pid of pids) process.kill(pid, pause ? 'SIGSTOP' : 'SIGCONT');
  return pids;
}

/**
 * SIGKILL to the node's postmaster; returns once its children are gone too. They outlive it
 * for a moment (each notices the death at its next wait) and a backend may still acknowledge
 * a commit meanwhile: the fault has taken effect only when they have exited.
 */
export async function killPostmaster(node: string): Promise<number> {
  const pid = await postmasterPid(node);
  if (pid === undefined) throw new Error(`${node}: no postmaster running`);
  const children = await childPids(pid);
  process.kill(pid, 'SIGKILL');
  const gone = await pollUntil(Deadline.after(10_000), 20, async () => {
    const alive = await Promise.all(children.map(async (child) => isLiveState((await procStat(child))?.state ?? 'X')));
    return alive.includes(true) ? undefined : true;
  });
  if (!gone) throw new Error(`${node}: the killed postmaster's children still run 10 s later`);
  return pid;
}

/** The children of a process (/proc/PID/task/PID/children); none when the kernel does not list them. */
async function childPids(pid: number): Promise<number[]> {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return text.split(/\s+/).filter(Boolean).map(Number);
}
