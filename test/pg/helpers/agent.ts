import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../../src/exec/run.js';

export const AGENT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'ocf', 'postgresql.cjs');

export interface AgentResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The last ocf-exit-reason line, as Pacemaker would show it. */
  reason: string | undefined;
  ms: number;
}

export interface RunAgentOptions {
  timeoutMs?: number;
  /** A command the agent runs under, such as nsenter into another mount namespace. */
  launcher?: readonly string[];
}

/** Runs the built agent the way Pacemaker's executor does: action as the only argument, everything else in the environment. */
export async function runAgent(action: string, env: Record<string, string>, { timeoutMs = 60_000, launcher = [] }: RunAgentOptions = {}): Promise<AgentResult> {
  const started = Date.now();
  const [file, ...args] = [...launcher, process.execPath, AGENT, action];
  const result = await run(file!, args, { env, timeoutMs });
  const reasons = result.stderr.split('\n').filter((l) => l.startsWith('ocf-exit-reason:'));
  return {
    code: result.exitCode,
    stdout: result.stdout,
    stderr: result.stderr,
    reason: reasons.at(-1)?.slice('ocf-exit-reason:'.length),
    ms: Date.now() - started,
  };
}
