import { run, type RunResult } from '../exec/run.js';
import { shellQuote } from '../exec/shell-quote.js';
import { splitOptions } from './settings.js';

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
 * starting: callers look at the instance to decide). pg_ctl runs postgres
 * through /bin/sh -c with -o's text unquoted: start_opts is split into words
 * as postgres -C reads it (settings.ts), and each word is quoted for that
 * shell, so none is ever interpreted; the paths pg_ctl puts in double quotes
 * are validated shell-inert with the parameters (params.ts).
 */
export function startPostgres(t: PgCtlTarget, waitSeconds: number, extraOptions: readonly string[] = []): Promise<RunResult> {
  const options = [...splitOptions(t.startOptions), ...extraOptions].map(shellQuote).join(' ');
  const wait = Math.max(1, Math.floor(waitSeconds));
  return run(`${t.bindir}/pg_ctl`, ['start', '-D', t.pgdata, '-w', '-t', String(wait), '-l', t.logfile, ...(options ? ['-o', options] : [])], {
    user: t.user,
    timeoutMs: (wait + 2) * 1000,
  });
}
