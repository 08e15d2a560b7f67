import { chown, mkdir, rename, rm, stat, statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import { run } from '../exec/run.js';
import { homeOf, libpqInvocation } from '../pg/libpq-invocation.js';
import { restoreNodeConfig, saveNodeConfig } from './node-config.js';
import { asidePath, decideReclone } from './reclone-plan.js';
import { treeBytes } from './tree-bytes.js';
import type { RejoinTarget } from './target.js';

/**
 * Re-clones the data directory from the source with pg_basebackup: the old
 * directory is renamed aside (never deleted), the node-local configuration
 * files are carried over, and on failure the old directory is put back.
 * Returns where the old data directory was kept.
 */
export async function runReclone(target: RejoinTarget, sourceConninfo: string, timeoutMs: number, now = new Date()): Promise<string> {
  const { datadir } = target;
  const fs = await statfs(dirname(datadir));
  const decision = decideReclone({ datadirBytes: await treeBytes(datadir), freeBytes: Number(fs.bavail) * Number(fs.bsize), totalBytes: Number(fs.blocks) * Number(fs.bsize) });
  if (!decision.keepAside) throw new Error(decision.reason);
  const saved = await saveNodeConfig(datadir);
  const owner = await stat(datadir);
  const aside = asidePath(datadir, now);
  try {
    await rename(datadir, aside);
  } catch (error) {
    throw new Error(`cannot move ${datadir} aside to ${aside} (${(error as NodeJS.ErrnoException).code}): is it a mount point? Move it yourself, then run "pgha reclone"`);
  }
  try {
    await mkdir(datadir, { mode: 0o700 });
    await chown(datadir, owner.uid, owner.gid);
    const invocation = libpqInvocation(sourceConninfo);
    const home = await homeOf(target.systemUser);
    const result = await run(`${target.bindir}/pg_basebackup`, ['--pgdata', datadir, '--dbname', invocation.conninfo, '--wal-method=stream', '--checkpoint=fast', '--no-password'], {
      user: target.systemUser,
      env: { ...invocation.env, ...(home ? { HOME: home } : {}) },
      timeoutMs,
      cwd: '/tmp',
    });
    if (result.exitCode !== 0) {
      const line = result.stderr.split('\n').find((l) => /error|fatal/i.test(l)) ?? result.stderr.split('\n')[0] ?? '';
      throw new Error(result.timedOut ? 'pg_basebackup did not finish before the deadline' : `pg_basebackup failed: ${line.replace(/^pg_basebackup: (error: )?/, '')}`);
    }
    await restoreNodeConfig(datadir, saved);
  } catch (error) {
    // Only the directory this re-clone created goes; the old one comes back as it was.
    await rm(datadir, { recursive: true, force: true });
    await rename(aside, datadir);
    throw error;
  }
  return aside;
}
