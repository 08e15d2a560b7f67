import { readdir, readFile, readlink } from 'node:fs/promises';
import type { ProcessRef } from './state.js';

/**
 * Reading /proc: which processes live in a namespace, and whether a pid is
 * really alive. After SIGKILL a process may linger as a zombie (its parent,
 * possibly a pid 1 that never reaps, has not waited for it): kill -0 still
 * succeeds then, so liveness is read from the state field of /proc/PID/stat.
 */
export interface ProcStat {
  state: string;
  startTime: string;
}

/** Parses /proc/PID/stat text; the command name may itself contain spaces and parentheses. */
export function parseProcStat(text: string): ProcStat {
  const end = text.lastIndexOf(')');
  if (end < 0) throw new Error('malformed /proc stat');
  const fields = text.slice(end + 2).split(' ');
  // fields[0] is field 3 (state); start time is field 22.
  return { state: fields[0] ?? '?', startTime: fields[19] ?? '' };
}

export async function procStat(pid: number): Promise<ProcStat | undefined> {
  try {
    return parseProcStat(await readFile(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Alive means: exists, is not a zombie (Z) or dead (X). */
export const isLiveState = (state: string) => state !== 'Z' && state !== 'X';

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
