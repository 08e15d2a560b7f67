import { readdir, readFile, realpath, rename, rm, stat, statfs } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { run } from '../exec/run.js';
import { makeDirectorySafely, type Identity } from '../fs/safe-file.js';
import { homeOf, libpqInvocation } from '../pg/libpq-invocation.js';
import { keepNodeConfig, putBackNodeConfig } from './node-config.js';
import { sourceSql } from './source-sql.js';
import { DATA_DIRECTORY, decideReclone, isWithin, keptAside, mountPoints, type KeptAside, type LocalDirectory, type RecloneDecision, type RecloneStep } from './reclone-plan.js';
import { treeBytes } from './tree-bytes.js';
import type { RejoinTarget } from './target.js';

/**
 * What a re-clone would do, found without changing anything: the data
 * directory and the tablespace locations its pg_tblspc/<oid> links point to
 * outside it. A location missing here is left out: pg_basebackup creates it.
 */
export async function planReclone(datadir: string, now: Date): Promise<RecloneDecision> {
  const dataPath = await realpath(datadir);
  const mounts = mountPoints(await readFile('/proc/self/mountinfo', 'utf8').catch(() => ''));
  const inspect = (label: string, path: string) => inspectDirectory(label, path, mounts);
  const directories = [await inspect(DATA_DIRECTORY, dataPath)];
  const links = join(dataPath, 'pg_tblspc');
  for (const entry of await readdir(links, { withFileTypes: true }).catch(() => [])) {
    // In-place tablespaces (allow_in_place_tablespaces) are directories here: they go aside with the data directory.
    if (!entry.isSymbolicLink()) continue;
    const location = await realpath(join(links, entry.name)).catch(() => undefined);
    if (location !== undefined && !isWithin(dataPath, location)) directories.push(await inspect(`tablespace ${entry.name}`, location));
  }
  return decideReclone(directories, now);
}

async function inspectDirectory(label: string, path: string, mounts: ReadonlySet<string>): Promise<LocalDirectory> {
  const [info, fs, entries] = await Promise.all([stat(path), statfs(path), readdir(path)]);
  return {
    label,
    path,
    empty: entries.length === 0,
    mountPoint: mounts.has(path),
    bytes: await treeBytes(path),
    uid: info.uid,
    gid: info.gid,
    fs: { id: info.dev, freeBytes: Number(fs.bavail) * Number(fs.bsize), totalBytes: Number(fs.blocks) * Number(fs.bsize) },
  };
}

/**
 * Re-clones the data directory and its tablespaces from the source with
 * pg_basebackup: each old directory is renamed aside (never deleted) and
 * recreated empty, the node-local configuration files are carried over, and
 * on failure what the re-clone created goes and the old directories come
 * back. Returns where the old directories were kept.
 */
export async function runReclone(target: RejoinTarget, sourceConninfo: string, timeoutMs: number, configCopyDir: string, now = new Date()): Promise<KeptAside[]> {
  const decision = await planReclone(target.datadir, now);
  if (!decision.keepAside) throw new Error(decision.reason);
  const { steps } = decision;
  const kept = await keepNodeConfig(target, configCopyDir);
  // What a failure removes: only what this re-clone made.
  const created = new Set(await dirsMadeForSourceTablespaces(target, sourceConninfo, Math.min(timeoutMs / 4, 10_000)));
  // The parents (which the server's user may own) must still be these when the new directories are made in them.
  const parents = await Promise.all(keptAside(steps).map(async (step): Promise<Identity> => stat(dirname(step.path))));
  await moveAllAside(steps);
  try {
    for (const [i, { path, uid, gid }] of keptAside(steps).entries()) {
      await makeDirectorySafely(path, 0o700, { uid, gid }, parents[i]);
      created.add(path);
    }
    await pgBasebackup(target, sourceConninfo, timeoutMs);
    await putBackNodeConfig(target, kept);
  } catch (error) {
    throw await afterPuttingBack(error as Error, steps, created);
  }
  return keptAside(steps);
}

/** All or nothing: when one rename fails, those already done are undone before anything else is touched. */
async function moveAllAside(steps: readonly RecloneStep[]): Promise<void> {
  const moved: KeptAside[] = [];
  for (const step of keptAside(steps)) {
    try {
      await rename(step.path, step.aside);
    } catch (error) {
      const failed = new Error(`cannot move the ${step.label} ${step.path} aside to ${step.aside} (${(error as NodeJS.ErrnoException).code}); nothing was changed`);
      throw await afterPuttingBack(failed, moved, new Set());
    }
    moved.push(step);
  }
}

/** The error to report once everything is put back, naming what could not be. */
async function afterPuttingBack(error: Error, steps: readonly RecloneStep[], created: ReadonlySet<string>): Promise<Error> {
  const failures = await putBack(steps, created);
  return failures.length === 0 ? error : new Error(`${error.message}; then ${failures.join('; ')}`);
}

/**
 * Removes only what the re-clone created (the recreated directories, those
 * made for the source's tablespaces, what pg_basebackup wrote into empty
 * ones), then renames each old directory back. Goes on past a failure, to put
 * back all it can; returns what it could not do.
 */
async function putBack(steps: readonly RecloneStep[], created: ReadonlySet<string>): Promise<string[]> {
  const failures: string[] = [];
  const attempt = async (what: string, action: () => Promise<unknown>) => action().catch((error: Error) => failures.push(`could not ${what} (${error.message})`));
  const removeAll = (path: string) => rm(path, { recursive: true, force: true });
  for (const path of created) await attempt(`remove ${path}`, () => removeAll(path));
  for (const step of [...steps].reverse()) {
    if (step.aside !== undefined) await attempt(`rename ${step.aside} back to ${step.path}`, () => rename(step.aside!, step.path));
    else await attempt(`empty ${step.path} again`, async () => Promise.all((await readdir(step.path)).map((name) => removeAll(join(step.path, name)))));
  }
  return failures;
}

/**
 * The directories pg_basebackup will make for the source's tablespaces this
 * node lacks: the outermost missing one on the way to each location. It does
 * not undo changes to tablespace directories when it fails; the re-clone
 * removes these then. Listed over a regular connection, which pg_rewind needs
 * too; without one, a warning.
 */
async function dirsMadeForSourceTablespaces(target: RejoinTarget, sourceConninfo: string, timeoutMs: number): Promise<string[]> {
  const result = await sourceSql(target, sourceConninfo, "select pg_tablespace_location(oid) from pg_tablespace where pg_tablespace_location(oid) <> ''", timeoutMs);
  if (result.exitCode !== 0) {
    const detail = result.stderr.split('\n').find((l) => l.trim()) ?? `psql exited ${result.exitCode}`;
    target.log.warning(`cannot list the primary's tablespaces (${detail}): should pg_basebackup fail, directories it made for tablespaces this node lacks stay`);
    return [];
  }
  const dirs: string[] = [];
  // In-place tablespaces have relative locations, inside the data directory.
  for (const location of result.stdout.split('\0').filter(isAbsolute)) {
    const missing = await outermostMissing(location);
    if (missing !== undefined) dirs.push(missing);
  }
  return dirs;
}

/** The outermost directory on the way to `path` that does not exist (mkdir -p makes it and all below), or undefined when `path` exists. */
async function outermostMissing(path: string): Promise<string | undefined> {
  const exists = (p: string) => stat(p).then(() => true, () => false);
  if (await exists(path)) return undefined;
  let missing = path;
  while (!(await exists(dirname(missing)))) missing = dirname(missing);
  return missing;
}

async function pgBasebackup(target: RejoinTarget, sourceConninfo: string, timeoutMs: number): Promise<void> {
  const invocation = libpqInvocation(sourceConninfo);
  const home = await homeOf(target.systemUser);
  const result = await run(`${target.bindir}/pg_basebackup`, ['--pgdata', target.datadir, '--dbname', invocation.conninfo, '--wal-method=stream', '--checkpoint=fast', '--no-password'], {
    user: target.systemUser,
    env: { ...invocation.env, ...(home ? { HOME: home } : {}) },
    timeoutMs,
    cwd: '/tmp',
  });
  if (result.exitCode === 0) return;
  const line = result.stderr.split('\n').find((l) => /error|fatal/i.test(l)) ?? result.stderr.split('\n')[0] ?? '';
  throw new Error(result.timedOut ? 'pg_basebackup did not finish before the deadline' : `pg_basebackup failed: ${line.replace(/^pg_basebackup: (error: )?/, '')}`);
}
