import { run, type RunResult } from '../exec/run.js';

/** pg_ctl, always run as the instance's OS user, never waiting past the action's deadline. */
export interface PgCtlTarget {
  bindir: string;
  /** -D for start/stop: the configuration directory (pgdata). */
  pgdata: string;
  /** The data directory itself: promote writes its signal file there. */
  datadir: string;
  user: string;
  logfile: string;
  startOptions: string;
}

/**
 * Starts the postmaster and waits (-w) until it accepts connections (a hot
 * standby once consistent), or it exits, or waitSeconds pass (it then keeps
 * starting: callers look at the instance to decide).
 */
export function startPostgres(t: PgCtlTarget, waitSeconds: number, extraOptions = ''): Promise<RunResult> {
  const options = [t.startOptions, extraOptions].filter(Boolean).join(' ');
  const wait = Math.max(1, Math.floor(waitSeconds));
  return run(`${t.bindir}/pg_ctl`, ['start', '-D', t.pgdata, '-w', '-t', String(wait), '-l', t.logfile, ...(options ? ['-o', options] : [])], {
    user: t.user,
    timeoutMs: (wait + 2) * 1000,
  });
}

export type ShutdownMode = 'smart' | 'fast' | 'immediate';

export function stopPostgres(t: PgCtlTarget, mode: ShutdownMode, waitSeconds: number): Promise<RunResult> {
  return run(`${t.bindir}/pg_ctl`, ['stop', '-D', t.datadir, '-m', mode, '-w', '-t', String(Math.max(1, Math.floor(waitSeconds)))], {
    user: t.user,
    timeoutMs: (waitSeconds + 2) * 1000,
  });
}
