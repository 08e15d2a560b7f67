import { readFile, readdir, readlink, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Whether a postmaster runs for a data directory, from postmaster.pid and
 * /proc: a zombie or a recycled pid does not count (after SIGKILL a process
 * may linger as a zombie, and kill -0 would still succeed).
 */
export async function runningPostmasterPid(datadir: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(join(datadir, 'postmaster.pid'), 'utf8');
  } catch {
    return undefined;
  }
  const [pidLine, dirLine] = text.split('\n');
  const pid = Number(pidLine);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  if (!(await isLiveProcess(pid))) return undefined;
  // A recycled pid belongs to another program, or to a postgres serving another directory.
  const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => '');
  return cwd === '' || cwd === dirLine || cwd.replace(/ \(deleted\)$/, '') === dirLine ? pid : undefined;
}

/** The process's state letter from /proc (R, S, D, T stopped, Z zombie...), undefined when it is gone. */
export async function processState(pid: number): Promise<string | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The state field follows the parenthesised command name, which may itself hold spaces.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

/** A process that exists and is neither a zombie nor dead (a zombie's pid still answers kill -0). */
const isLiveState = (state: string | undefined): boolean => state !== undefined && state !== 'Z' && state !== 'X';

export async function isLiveProcess(pid: number): Promise<boolean> {
  return isLiveState(await processState(pid));
}

/** Stopped by a signal (SIGSTOP, SIGTSTP): it can do nothing, shut down included, until continued. */
export const STOPPED_BY_SIGNAL = 'T';

/**
 * PostgreSQL processes still working in a data directory: after a postmaster
 * is SIGKILLed its children may outlive it and hold the shared memory, which
 * stops the next start. They run the instance's postgres binary with the data
 * directory as their working directory; both are compared by device and
 * inode, not by path, so an instance at the same path in another mount
 * namespace is never mistaken for this one, and a shell or a backup tool
 * sitting in the directory is not a postgres process.
 */
export async function processesInDataDirectory(datadir: string, bindir: string): Promise<number[]> {
  const target = await stat(datadir).catch(() => undefined);
  if (!target) return [];
  const binary = join(bindir, 'postgres');
  const executable = await stat(binary).catch(() => undefined);
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const cwd = await stat(`/proc/${pid}/cwd`).catch(() => undefined);
    if (!cwd || cwd.dev !== target.dev || cwd.ino !== target.ino) continue;
    if ((await runsBinary(pid, binary, executable)) && (await isLiveProcess(pid))) pids.push(pid);
  }
  return pids;
}

/** Whether the process runs `binary`; after a package upgrade replaced it, /proc names it "(deleted)". */
async function runsBinary(pid: number, binary: string, executable: { dev: number; ino: number } | undefined): Promise<boolean> {
  const exe = await stat(`/proc/${pid}/exe`).catch(() => undefined);
  if (exe && executable && exe.dev === executable.dev && exe.ino === executable.ino) return true;
  return (await readlink(`/proc/${pid}/exe`).catch(() => '')) === `${binary} (deleted)`;
}

/** The pid recorded in a PostgreSQL lock file (postmaster.pid, .s.PGSQL.<port>.lock). */
export async function lockFilePid(path: string): Promise<number | undefined> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const pid = Number(text.split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * A SIGKILLed postmaster stays a zombie until its parent reaps it, and
 * PostgreSQL refuses to start while the pid in its lock files (postmaster.pid,
 * and the socket's .lock) still exists: such files are removed. A pid that is
 * gone is left to PostgreSQL, whose next start then finds the dead instance's
 * shared memory through postmaster.pid and frees it (removed, it would stay
 * in /dev/shm). `evenIfGone` removes those too, for pg_rewind, which refuses
 * any postmaster.pid.
 */
export async function removeStaleLockFiles(paths: readonly string[], { evenIfGone = false } = {}): Promise<string[]> {
  const removed: string[] = [];
  for (const path of paths) {
    const pid = await lockFilePid(path);
    if (pid === undefined) continue;
    const state = await processState(pid);
    if (isLiveState(state) || (state === undefined && !evenIfGone)) continue;
    await rm(path, { force: true });
    removed.push(path);
  }
  return removed;
}
