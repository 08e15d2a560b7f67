import { readFile, readdir, readlink } from 'node:fs/promises';

/**
 * A WAL receiver stuck in its connection attempt. PostgreSQL's walreceiver
 * connects with libpq's asynchronous API and ignores connect_timeout, so a
 * SYN sent while the address it connects to (the VIP) belonged to a dead
 * node is retried on the kernel's backoff (1, 2, 4, 8, 16, 32 s) even after
 * the address moved: a synchronous standby can then leave the new primary's
 * commits waiting for tens of seconds.
 */
export interface ConnectingReceiver {
  pid: number;
  /** How long the WAL receiver process has existed (it connects first thing). */
  ageMs: number;
}

/** A SYN unanswered for this long on a LAN will not be answered: the next retransmission is already backed off. */
export const STALLED_CONNECT_MS = 1_000;

/** TCP state SYN_SENT in /proc/net/tcp{,6}. */
const SYN_SENT = '02';

/** Socket inodes in SYN_SENT, from the text of /proc/<pid>/net/tcp or tcp6. */
export function synSentSocketInodes(procNetTcp: string): Set<string> {
  const inodes = new Set<string>();
  for (const line of procNetTcp.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
    if (fields.length >= 10 && fields[3] === SYN_SENT) inodes.add(fields[9]!);
  }
  return inodes;
}

/** Whether one of the process's sockets still waits for the answer to its SYN. */
export async function waitsForSynAnswer(pid: number): Promise<boolean> {
  const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
  const sockets = new Set<string>();
  for (const fd of fds) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode) sockets.add(inode);
  }
  if (sockets.size === 0) return false;
  for (const table of ['tcp', 'tcp6']) {
    const text = await readFile(`/proc/${pid}/net/${table}`, 'utf8').catch(() => '');
    for (const inode of synSentSocketInodes(text)) if (sockets.has(inode)) return true;
  }
  return false;
}
