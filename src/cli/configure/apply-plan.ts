import type { RunResult, Runner } from '../../exec/run.js';
import { formatCommand, type PlannedCommand } from './configure-plan.js';

export interface ApplyOutcome {
  /** Commands that exited 0, in order. */
  done: PlannedCommand[];
  /** The first command that failed, with its result; the rest were not run. */
  failed?: { command: PlannedCommand; result: RunResult };
}

/** Runs a plan's commands in order, stopping at the first failure. `onStart` sees each command before it runs. */
export async function applyPlan(
  commands: readonly PlannedCommand[],
  runner: Runner,
  options: { timeoutMs: number; env?: Record<string, string>; onStart?: (line: string) => void },
): Promise<ApplyOutcome> {
  const done: PlannedCommand[] = [];
  for (const command of commands) {
    options.onStart?.(formatCommand(command));
    const [file, ...args] = command.argv;
    const result = await runner(file!, args, {
      timeoutMs: options.timeoutMs,
      ...(command.input !== undefined ? { input: command.input } : {}),
      ...(options.env ? { env: options.env } : {}),
    });
    if (result.exitCode !== 0) return { done, failed: { command, result } };
    done.push(command);
  }
  return { done };
}

/** The failure as the operator needs it: the command, how it ended, and everything it printed. */
export function describeFailure(failed: NonNullable<ApplyOutcome['failed']>): string {
  const { result } = failed;
  const how = result.timedOut ? 'timed out' : `exited ${result.exitCode}`;
  const output = [result.stdout, result.stderr].filter((s) => s.trim() !== '').join('\n');
  return `${failed.command.argv.slice(0, 3).join(' ')} ${how}${output ? `:\n${output}` : ''}`;
}
