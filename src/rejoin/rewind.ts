import { join } from 'node:path';
import { run } from '../exec/run.js';
import { homeOf, libpqInvocation } from '../pg/libpq-invocation.js';
import { dataDirectoryMajor, rewindHasConfigFileOption } from '../pg/server-version.js';
import { keepNodeConfig, putBackNodeConfig } from './node-config.js';
import { sourceSql } from './source-sql.js';
import type { RejoinTarget } from './target.js';

/** pg_rewind's own error line (its stderr also carries the single-user server's log). */
const firstError = (text: string) => {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const own = lines.find((l) => /^pg_rewind: (error|fatal):/.test(l)) ?? lines.at(-1) ?? '';
  return own.replace(/^pg_rewind: (error: |fatal: )?/, '');
};

/**
 * pg_rewind from the source server, as the instance's OS user (PostgreSQL
 * 13+ completes the crash recovery of an unclean target itself). It copies
 * the source's configuration files over the node's own: those are put back
 * (src/rejoin/node-config.ts).
 * Returns the failure reason, or undefined on success.
 */
export async function runRewind(target: RejoinTarget, sourceConninfo: string, timeoutMs: number, configCopyDir: string, dryRun = false): Promise<string | undefined> {
  const invocation = libpqInvocation(sourceConninfo, {}, { dbname: 'postgres' });
  const home = await homeOf(target.systemUser);
  const configFile = target.pgdata !== target.datadir && rewindHasConfigFileOption(dataDirectoryMajor(target.datadir) ?? 0) ? [`--config-file=${join(target.pgdata, 'postgresql.conf')}`] : [];
  const env = { ...invocation.env, ...(home ? { HOME: home } : {}) };
  await checkpointSource(target, sourceConninfo, Math.min(timeoutMs / 2, 60_000));
  const kept = dryRun ? undefined : await keepNodeConfig(target, configCopyDir);
  const result = await run(
    `${target.bindir}/pg_rewind`,
    [`--target-pgdata=${target.datadir}`, `--source-server=${invocation.conninfo}`, ...configFile, ...(dryRun ? ['--dry-run'] : [])],
    { user: target.systemUser, env, timeoutMs, cwd: '/tmp' },
  );
  if (kept) await putBackNodeConfig(target, kept);
  if (result.exitCode === 0 && /no rewind required/.test(result.stderr) && !dryRun) {
    return "pg_rewind found no divergence: the primary's last checkpoint predates its promotion; retry after a CHECKPOINT on the primary";
  }
  if (result.exitCode === 0) {
    target.log.info(`pg_rewind: ${result.stderr.split('\n').filter((l) => /diverged|rewinding|no rewind|Done/.test(l)).join('; ')}`);
    return undefined;
  }
  return result.timedOut ? 'pg_rewind did not finish before the deadline' : `pg_rewind failed: ${firstError(result.stderr || result.stdout)}`;
}

/**
 * pg_rewind reads the source's timeline from its last checkpoint: right after
 * a promotion that is still the old timeline, and pg_rewind then sees "no
 * rewind required". A CHECKPOINT on the source (superuser or pg_checkpoint) settles it.
 */
async function checkpointSource(target: RejoinTarget, sourceConninfo: string, timeoutMs: number): Promise<void> {
  const result = await sourceSql(target, sourceConninfo, 'CHECKPOINT', timeoutMs);
  if (result.exitCode !== 0) target.log.warning(`CHECKPOINT on the primary failed (${result.stderr.split('\n')[0] ?? ''}): pg_rewind may not see the new timeline yet`);
}
