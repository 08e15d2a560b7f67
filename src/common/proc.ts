import { readFile } from 'node:fs/promises';

/**
 * Reading /proc/PID/stat: whether a pid is really alive, and which process it
 * is. After SIGKILL a process may linger as a zombie (its parent, possibly a
 * pid 1 that never reaps, has not waited for it): kill -0 still succeeds then,
 * so liveness is read from the state field.
 */
export interface ProcStat {
  /** R, S, D, T (stopped by a signal), Z (zombie), X (dead)... */
  state: string;
  /** Field 22, in clock ticks since boot: with the pid, it names one process, never a recycled pid. */
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

/** The process's /proc stat, undefined when it is gone. */
export async function procStat(pid: number): Promise<ProcStat | undefined> {
  try {
    return parseProcStat(await readFile(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The process's state letter, undefined when it is gone. */
export const processState = async (pid: number): Promise<string | undefined> => (await procStat(pid))?.state;

/** Alive means: exists, is not a zombie (Z) or dead (X). */
export const isLiveState = (state: string | undefined): boolean => state !== undefined && state !== 'Z' && state !== 'X';

export const isLiveProcess = async (pid: number): Promise<boolean> => isLiveState(await processState(pid));
