import { run, type RunResult } from '../exec/run.js';
import { homeOf, libpqInvocation } from '../pg/libpq-invocation.js';
import type { RejoinTarget } from './target.js';

/**
 * One SQL command on the rejoin's source over a regular connection (database
 * postgres unless the conninfo names one), by psql as the instance's OS user
 * with its HOME, so its ~/.pgpass applies. Rows come unaligned, without
 * headers, each ended by a NUL byte.
 */
export async function sourceSql(target: Pick<RejoinTarget, 'bindir' | 'systemUser'>, sourceConninfo: string, sql: string, timeoutMs: number): Promise<RunResult> {
  const invocation = libpqInvocation(sourceConninfo, {}, { dbname: 'postgres' });
  const home = await homeOf(target.systemUser);
  return run(`${target.bindir}/psql`, ['-X', '-q', '-A', '-t', '-0', '-d', invocation.conninfo, '-c', sql], {
    user: target.systemUser,
    env: { ...invocation.env, ...(home ? { HOME: home } : {}) },
    timeoutMs,
    cwd: '/tmp',
  });
}
