import { run, type RunOptions, type RunResult } from '../exec/run.js';
import { readAnchorRef, readHolderRef } from './state.js';
import { isAlive } from './proc.js';

/**
 * Running commands in a node's namespaces (network, mount, UTS), or in the
 * host's, from anywhere: the host shell, a test, or a fence agent running
 * inside another node's pacemaker-fenced (private /run hides /run/netns and
 * /proc/1/ns is unreadable there, so both go through processes we started:
 * the node's holder and the host anchor).
 */
export async function holderPid(node: string): Promise<number> {
  const ref = await readHolderRef(node);
  if (!ref || !(await isAlive(ref))) throw new Error(`${node} is powered off`);
  return ref.pid;
}

export async function anchorPid(): Promise<number> {
  const ref = await readAnchorRef();
  if (!ref || !(await isAlive(ref))) throw new Error('the lab anchor process is gone: run "pgha lab down" then "pgha lab up"');
  return ref.pid;
}

/** argv prefix entering a process's mount, network and UTS namespaces. */
export const enterArgs = (pid: number) => ['-t', String(pid), '-m', '-n', '-u', '--'];

/** argv that runs `argv` as `user` (setpriv, like run()'s user option, but inside nsenter). */
export function asUserArgv(argv: readonly string[], user?: string): string[] {
  if (!user || user === 'root') return [...argv];
  return ['setpriv', '--reuid', user, '--regid', user, '--init-groups', '--', ...argv];
}

export interface NodeRunOptions extends Omit<RunOptions, 'user'> {
  user?: string;
}

export async function runInNode(node: string, argv: readonly string[], options: NodeRunOptions = {}): Promise<RunResult> {
  const { user, ...rest } = options;
  return run('nsenter', [...enterArgs(await holderPid(node)), ...asUserArgv(argv, user)], { timeoutMs: 30_000, ...rest });
}

/** Like runInNode, throwing on a non-zero exit with the command's first line of error output. */
export async function runInNodeChecked(node: string, argv: readonly string[], options: NodeRunOptions = {}): Promise<RunResult> {
  const result = await runInNode(node, argv, options);
  if (result.exitCode !== 0) {
    const detail = (result.stderr || result.stdout).trim().split('\n')[0] ?? '';
    throw new Error(`${node}: ${argv.join(' ')} ${result.timedOut ? 'timed out' : `exited ${result.exitCode}`}${detail ? `: ${detail}` : ''}`);
  }
  return result;
}

/** Runs a command in the host's mount and network namespaces (where /run/netns is visible). */
export async function runOnHost(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const [file, ...args] = argv;
  return run('nsenter', ['-t', String(await anchorPid()), '-m', '-n', '--', file!, ...args], { timeoutMs: 30_000, ...options });
}
