import { readdir, readlink } from 'node:fs/promises';
import { isLiveState, procStat } from '../common/proc.js';
import type { ProcessRef } from './state.js';

// Reading /proc for the lab: whether a recorded process is still that one, and which processes live in a namespace.

/** The recorded process is alive and is still that one (same start time: not a recycled pid). */
export async function isAlive(ref: ProcessRef): Promise<boolean> {
  const stat = await procStat(ref.pid);
  return stat !== undefined && stat.startTime === ref.startTime && isLiveState(stat.state);
}

export async function refOf(pid: number): Promise<ProcessRef> {
  const stat = await procStat(pid);
  if (!stat) throw new Error(`process ${pid} is gone`);
  return { pid, startTime: stat.startTime };
}

/** "net:[4026532281]" -> 4026532281 */
export function nsInodeOf(link: string): number | undefined {
  const match = /^\w+:\[(\d+)\]$/.exec(link);
  return match ? Number(match[1]) : undefined;
}

export async function nsInode(pid: number | 'self', kind: 'net' | 'mnt'): Promise<number | undefined> {
  try {
    return nsInodeOf(await readlink(`/proc/${pid}/ns/${kind}`));
  } catch {
    return undefined;
  }
}

/** Pids of the live (non-zombie) processes whose network namespace has this inode. */
export async function liveProcessesInNetns(inode: number): Promise<number[]> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name)).map(Number);
  const found: number[] = [];
  await Promise.all(
    pids.map(async (pid) => {
      if (pid === process.pid) return;
      if ((await nsInode(pid, 'net')) !== inode) return;
      const stat = await procStat(pid);
      if (stat && isLiveState(stat.state)) found.push(pid);
    }),
  );
  return found.sort((a, b) => a - b);
}
