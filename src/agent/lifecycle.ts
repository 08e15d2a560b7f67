import { chmod, chown, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getProcessDeadline } from '../exec/run.js';
import { sleep } from '../exec/deadline.js';
import { genericError } from '../ocf/exit-codes.js';
import { writeDataDirectoryFile } from '../pg/data-directory-file.js';
import { describeState } from '../pg/instance-state.js';
import type { Logger } from '../ocf/log.js';
import { startPostgres } from '../pg/pg-ctl.js';
import { isLiveProcess, processState } from '../common/proc.js';
import { processesInDataDirectory, removeStaleLockFiles, runningPostmasterPid, SHUTDOWN_SIGNALS, STOPPED_BY_SIGNAL } from '../pg/postmaster.js';
import type { AgentContext } from './context.js';
import { updateLocalState } from './local-state.js';
import { observe, observeUntil, type Observation } from './observe.js';
import { firstLine } from '../common/text.js';

/** Writes standby.signal (owned like the data directory) and starts the instance; returns once it accepts read-only connections. */
export async function startAsStandby(ctx: AgentContext): Promise<Observation> {
  await endOrphanedProcesses(stopTarget(ctx));
  await writeDataDirectoryFile(ctx.params.datadir, 'standby.signal', '');
  await updateLocalState(ctx.env.instance, async (state) => {
    state.streamedSinceStart = undefined;
  });
  await startPostgres(ctx.pgctl, secondsLeft(1_000));
  const result = await observeUntil(ctx, (o) => o.state === 'standby' || o.state === 'primary' || hasDied(o));
  if (result.state === 'standby') return result;
  if (result.state === 'primary') throw genericError('the instance started as a primary despite standby.signal');
  throw genericError(
    hasDied(result)
      ? `PostgreSQL exited during start (${describeState(result.state)}): see ${ctx.params.logfile}`
      : `PostgreSQL did not accept connections as a standby before the deadline (${result.sqlError ?? describeState(result.state)})`,
  );
}

const hasDied = (o: Observation) => ['stopped', 'crashed-primary', 'crashed-standby', 'no-data'].includes(o.state);

/** Kept for killing the postmaster and its leftover processes when immediate shutdown did not end it either. */
const KILL_RESERVE_MS = 9_000;

/**
 * What stopping needs: the data directory alone (postmaster.pid names the
 * postmaster, its shared memory key its processes), so that stop works
 * whatever else the parameters say, and the socket's lock file when known.
 */
export interface StopTarget {
  datadir: string;
  log: Logger;
  socketLockFile: string | undefined;
}

export const stopTarget = (ctx: AgentContext): StopTarget => ({
  datadir: ctx.params.datadir,
  log: ctx.log,
  socketLockFile: ctx.params.pghost.startsWith('/') ? join(ctx.params.pghost, `.s.PGSQL.${ctx.params.pgport}.lock`) : undefined,
});

/**
 * Stops the instance and returns only once no process of it is left: a fast
 * shutdown first, then, late in the budget, immediate, and last SIGKILL (a
 * failed stop gets the node fenced, which is worse than a crash: PostgreSQL
 * recovers from either the same way). A frozen (SIGSTOP) postmaster is
 * continued first, with its stopped children, so that it shuts down cleanly.
 * The shutdown requests are pg_ctl's signals, sent here: no binary is needed.
 */
export async function stopInstance(target: StopTarget): Promise<void> {
  const deadline = getProcessDeadline();
  const { datadir, log } = target;
  const running = await runningPostmasterPid(datadir);
  if (running !== undefined) {
    if ((await processState(running)) === STOPPED_BY_SIGNAL) await continueStoppedProcesses(target);
    const fastSeconds = Math.max(1, Math.floor(((deadline.remainingMs() - KILL_RESERVE_MS) * 0.6) / 1000));
    if (!(await shutDown(datadir, running, 'fast', fastSeconds))) {
      log.warning(`fast shutdown did not finish in ${fastSeconds}s (postmaster pid ${running} still running); using immediate shutdown`);
      await shutDown(datadir, running, 'immediate', Math.max(1, Math.floor((deadline.remainingMs() - KILL_RESERVE_MS) / 1000)));
    }
    const postmaster = await runningPostmasterPid(datadir);
    if (postmaster !== undefined) await killPostmaster(target, postmaster);
  }
  await endOrphanedProcesses(target);
  if ((await runningPostmasterPid(datadir)) !== undefined) throw genericError('PostgreSQL is still running after fast and immediate shutdown and SIGKILL');
}

/** pg_ctl stop -m <mode>: the signal to the postmaster, then wait until it is gone; whether it is. */
async function shutDown(datadir: string, pid: number, mode: keyof typeof SHUTDOWN_SIGNALS, seconds: number): Promise<boolean> {
  signal(pid, SHUTDOWN_SIGNALS[mode]);
  const deadline = getProcessDeadline().within(seconds * 1000);
  while (!deadline.expired()) {
    if ((await runningPostmasterPid(datadir)) === undefined) return true;
    await sleep(100);
  }
  return (await runningPostmasterPid(datadir)) === undefined;
}

/**
 * The postmaster was stopped by a signal (kill -STOP of the instance, or of its process group): SIGCONT
 * to every process of the instance so stopped, none of which would act on a shutdown request.
 */
async function continueStoppedProcesses(target: StopTarget): Promise<void> {
  const processes = await processesInDataDirectory(target.datadir);
  const stopped = (await Promise.all(processes.map(async (pid) => ((await processState(pid)) === STOPPED_BY_SIGNAL ? pid : undefined)))).filter((pid) => pid !== undefined);
  if (stopped.length === 0) return;
  target.log.warning(`PostgreSQL process(es) ${stopped.join(' ')} stopped by a signal (SIGSTOP): continuing them (SIGCONT) so that they can shut down`);
  for (const pid of stopped) signal(pid, 'SIGCONT');
}

/** Immediate shutdown did not end the postmaster (a process stuck in the kernel ignores SIGQUIT until it returns): SIGKILL, as a crash would. */
async function killPostmaster(target: StopTarget, pid: number): Promise<void> {
  target.log.warning(`immediate shutdown did not end the postmaster (pid ${pid}, state ${(await processState(pid)) ?? 'gone'}): killing it (SIGKILL)`);
  signal(pid, 'SIGKILL');
  // Until reaped, if its parent does so promptly: a zombie's lock files are removed, a reaped one's left to PostgreSQL.
  const deadline = getProcessDeadline().within(3_000);
  while (!deadline.expired() && (await processState(pid)) !== undefined) await sleep(50);
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

/**
 * Children of a SIGKILLed postmaster can outlive it and keep the shared
 * memory, so PostgreSQL would refuse to start again. With no postmaster left,
 * they serve nobody: end them.
 */
export async function endOrphanedProcesses(target: StopTarget): Promise<void> {
  const { datadir, log } = target;
  if ((await runningPostmasterPid(datadir)) !== undefined) return;
  const orphans = await processesInDataDirectory(datadir);
  if (orphans.length === 0) return removeLockFilesOfDeadPostmaster(target);
  log.warning(`ending ${orphans.length} leftover process(es) of a dead postmaster: ${orphans.join(' ')}`);
  for (const pid of orphans) signal(pid, 'SIGKILL');
  const deadline = getProcessDeadline().within(5_000);
  while (!deadline.expired()) {
    const alive = await Promise.all(orphans.map(isLiveProcess));
    if (!alive.includes(true)) return removeLockFilesOfDeadPostmaster(target);
    await sleep(50);
  }
  throw genericError(`leftover PostgreSQL processes ${orphans.join(' ')} did not exit`);
}

async function removeLockFilesOfDeadPostmaster(target: StopTarget): Promise<void> {
  const lockFiles = [join(target.datadir, 'postmaster.pid'), ...(target.socketLockFile ? [target.socketLockFile] : [])];
  for (const path of await removeStaleLockFiles(lockFiles)) target.log.info(`removed ${path}, left by a dead postmaster`);
}

/**
 * Brings a crashed primary to a clean shutdown without letting anyone in:
 * crash recovery runs with no TCP listener and its only socket in a fresh
 * directory only the instance's owner can enter, then a fast shutdown. Unless
 * the same transition promotes it again, the instance is never started as a
 * standby while crashed (its unreplicated WAL would go unnoticed). Readiness comes from pg_ctl -w (postmaster.pid), so no
 * connection, and no pg_hba rule, is needed.
 */
export async function recoverInIsolation(ctx: AgentContext): Promise<void> {
  ctx.log.warning('crashed primary: running crash recovery in isolation (no listener) before anything else');
  await endOrphanedProcesses(stopTarget(ctx));
  const owner = await stat(ctx.params.datadir);
  const socketDir = await mkdtemp(join(tmpdir(), 'pgha-isolated-'));
  try {
    await chmod(socketDir, 0o700);
    await chown(socketDir, owner.uid, owner.gid);
    await rm(join(ctx.params.datadir, 'standby.signal'), { force: true });
    // Crash recovery may take most of the budget; keep some for the clean shutdown that follows.
    const started = await startPostgres(ctx.pgctl, secondsLeft(getProcessDeadline().remainingMs() / 3), ['-c', 'listen_addresses=', '-c', `unix_socket_directories=${socketDir}`]);
    await stopInstance(stopTarget(ctx));
    if (started.exitCode !== 0) throw genericError(`crash recovery did not complete (${firstLine(started.stderr || started.stdout)}): see ${ctx.params.logfile}`);
  } finally {
    await rm(socketDir, { recursive: true, force: true });
  }
  const after = await observe(ctx);
  if (after.state !== 'stopped') throw genericError(`after crash recovery the instance is ${describeState(after.state)}, not cleanly stopped`);
  await updateLocalState(ctx.env.instance, async (state) => {
    state.unreplicatedWal = true;
  });
  ctx.log.info('crash recovery complete; the instance is cleanly shut down');
}

/** Whole seconds of the action's budget left after keeping `reserveMs` back. */
const secondsLeft = (reserveMs: number) => Math.max(1, Math.floor((getProcessDeadline().remainingMs() - reserveMs) / 1000));

