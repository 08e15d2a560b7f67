import { lstat, readFile, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isLiveProcess, isLiveState, processState } from '../common/proc.js';

/** Device and inode of a data directory: a directory holding PG_VERSION (so "/" or an empty mount point is never one). */
export async function dataDirectoryIdentity(datadir: string): Promise<{ dev: number; ino: number; uid: number } | undefined> {
  const [dir, version] = await Promise.all([stat(datadir).catch(() => undefined), lstat(join(datadir, 'PG_VERSION')).catch(() => undefined)]);
  return dir?.isDirectory() && version?.isFile() ? { dev: dir.dev, ino: dir.ino, uid: dir.uid } : undefined;
}

const sameFile = (a: { dev: number; ino: number } | undefined, b: { dev: number; ino: number } | undefined) => a !== undefined && b !== undefined && a.dev === b.dev && a.ino === b.ino;

/**
 * Whether a postmaster runs for a data directory, from postmaster.pid and
 * /proc: a zombie or a recycled pid does not count (after SIGKILL a process
 * may linger as a zombie, and kill -0 would still succeed). Needs no binary
 * and no connection: this is what says "not running". A pid whose working
 * directory cannot be read counts as running (never a false "stopped").
 * It must run as the data directory's owner (PostgreSQL refuses any other
 * user, root first), so a planted postmaster.pid never names a root process.
 */
export async function runningPostmasterPid(datadir: string): Promise<number | undefined> {
  const pid = await lockFilePid(join(datadir, 'postmaster.pid'));
  if (pid === undefined || !(await isLiveProcess(pid))) return undefined;
  const directory = await stat(datadir).catch(() => undefined);
  const running = await stat(`/proc/${pid}`).catch(() => undefined);
  if (!directory || !running || running.uid !== directory.uid) return undefined;
  // A recycled pid belongs to another program, or to a postgres serving another directory.
  const cwd = await stat(`/proc/${pid}/cwd`).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? null : undefined));
  if (cwd === undefined) return pid;
  return cwd !== null && sameFile(cwd, directory) ? pid : undefined;
}

/** What pg_ctl stop -m <mode> sends the postmaster. */
export const SHUTDOWN_SIGNALS = { smart: 'SIGTERM', fast: 'SIGINT', immediate: 'SIGQUIT' } as const satisfies Record<string, NodeJS.Signals>;

/** Stopped by a signal (SIGSTOP, SIGTSTP): it can do nothing, shut down included, until continued. */
export const STOPPED_BY_SIGNAL = 'T';

/**
 * PostgreSQL processes of a data directory: after a postmaster is SIGKILLed
 * its children may outlive it and hold the shared memory, which stops the
 * next start. A process belongs to the instance only when both its working
 * directory is the data directory (by device and inode, and the directory
 * holds PG_VERSION) and it has the instance's System V shared memory segment
 * (the key in postmaster.pid) mapped, and it runs as the directory's owner: no name, no path, no binary is
 * trusted, so a shell or a backup tool in the directory, or the agent's own
 * "postgres -C" children, never match. Without a key in postmaster.pid, none.
 */
export async function processesInDataDirectory(datadir: string): Promise<number[]> {
  const [target, key] = await Promise.all([dataDirectoryIdentity(datadir), sharedMemoryKey(datadir)]);
  if (!target || key === undefined) return [];
  const segment = `/SYSV${key.toString(16).padStart(8, '0')}`;
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    if (!sameFile(await stat(`/proc/${pid}/cwd`).catch(() => undefined), target)) continue;
    if ((await stat(`/proc/${pid}`).catch(() => undefined))?.uid !== target.uid) continue;
    const maps = await readFile(`/proc/${pid}/maps`, 'utf8').catch(() => '');
    if (maps.includes(` ${segment} `) || maps.includes(` ${segment}\n`)) {
      if (await isLiveProcess(pid)) pids.push(pid);
    }
  }
  return pids;
}

/** The System V shared memory key on postmaster.pid's seventh line ("  5432001   32768": key, id). */
async function sharedMemoryKey(datadir: string): Promise<number | undefined> {
  const text = await readFile(join(datadir, 'postmaster.pid'), 'utf8').catch(() => '');
  const key = Number((text.split('\n')[6] ?? '').trim().split(/\s+/)[0]);
  return Number.isInteger(key) && key > 0 ? key : undefined;
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
