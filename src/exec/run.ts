import { readFile } from 'node:fs/promises';
import { Deadline, DeadlineExceeded } from './deadline.js';
import { firstLine } from '../common/text.js';

/**
 * The one way pgha runs an external command: never through a shell, always
 * with a deadline below the action's own timeout (Pacemaker SIGKILLs the whole
 * process group when CRM_meta_timeout passes, leaving no chance to report).
 */
export interface RunOptions {
  /** Upper bound for this command alone; the process deadline still applies. */
  timeoutMs?: number;
  /** Run as this OS user (via setpriv, with the user's supplementary groups). */
  user?: string;
  env?: Record<string, string | undefined>;
  input?: string;
  cwd?: string;
}

export interface RunResult {
  command: string;
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

let processDeadline = Deadline.never();

/** Set once per process by the entry point (agent action, CLI command). */
/** The shape of `run`, so callers can be handed a fake. */
export type Runner = (file: string, args: readonly string[], options?: RunOptions) => Promise<RunResult>;

export function setProcessDeadline(deadline: Deadline): void {
  processDeadline = deadline;
}

export function getProcessDeadline(): Deadline {
  return processDeadline;
}

/** Margin kept between a command's timeout and the process deadline, to report the failure. */
const REPORT_MARGIN_MS = 500;

export async function run(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const command = [file, ...args].join(' ');
  const remaining = processDeadline.remainingMs() - REPORT_MARGIN_MS;
  const timeout = Math.floor(Math.min(options.timeoutMs ?? Number.POSITIVE_INFINITY, remaining));
  if (timeout <= 0) throw new DeadlineExceeded(command);
  const [bin, argv] = await asUser(file, args, options.user);
  // Loaded on first use: a steady-state monitor runs no command and should not pay for execa.
  const { execa } = await import('execa');
  const result = await execa(bin, argv, {
    reject: false,
    timeout: Number.isFinite(timeout) ? timeout : undefined,
    killSignal: 'SIGTERM',
    forceKillAfterDelay: 200,
    env: { LC_ALL: 'C', ...options.env },
    extendEnv: true,
    input: options.input,
    stdin: options.input === undefined ? 'ignore' : 'pipe',
    cwd: options.cwd ?? '/',
    stripFinalNewline: true,
  });
  return {
    command,
    exitCode: result.exitCode ?? (result.timedOut ? 124 : 255),
    stdout: String(result.stdout ?? ''),
    stderr: String(result.stderr ?? ''),
    timedOut: Boolean(result.timedOut),
  };
}

/** Like run, but a non-zero exit becomes a CommandFailed error. */
export async function runChecked(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const result = await run(file, args, options);
  if (result.exitCode !== 0) throw new CommandFailed(result);
  return result;
}

export class CommandFailed extends Error {
  constructor(readonly result: RunResult) {
    const detail = firstLine(result.stderr) || firstLine(result.stdout);
    super(
      `${baseName(result.command)} ${result.timedOut ? 'timed out' : `exited ${result.exitCode}`}${detail ? `: ${detail}` : ''}`,
    );
    this.name = 'CommandFailed';
  }
}

async function asUser(file: string, args: readonly string[], user: string | undefined): Promise<[string, string[]]> {
  if (!user || process.getuid?.() !== 0 || user === 'root') return [file, [...args]];
  return ['setpriv', ['--reuid', user, '--regid', await primaryGroup(user), '--init-groups', '--', file, ...args]];
}

const primaryGroups = new Map<string, string>();

/**
 * The user's primary group id (setpriv --regid takes a group, and the group
 * named like the user may not exist: nobody's is nogroup). From /etc/passwd,
 * else from NSS (id -g) once per process.
 */
async function primaryGroup(user: string): Promise<string> {
  const known = primaryGroups.get(user);
  if (known !== undefined) return known;
  const line = (await readFile('/etc/passwd', 'utf8').catch(() => '')).split('\n').find((l) => l.split(':')[0] === user);
  const gid = line?.split(':')[3] ?? (await run('id', ['-g', user], { timeoutMs: 5_000 })).stdout.trim();
  // Unknown: setpriv then fails naming the user, as before.
  const group = /^\d+$/.test(gid) ? gid : user;
  primaryGroups.set(user, group);
  return group;
}

const baseName = (command: string) => command.split(' ')[0]!.split('/').pop()!;
