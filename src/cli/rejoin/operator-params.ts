import { run } from '../../exec/run.js';
import { parseParams, type AgentParams } from '../../agent/params.js';

/** The agent parameters an operator command needs, as flags (same names as the agent's, dashes for underscores). */
export const OPERATOR_PARAMETERS = ['pgdata', 'datadir', 'bindir', 'system_user', 'start_opts', 'rewind_archive_dir', 'rewind_archive_max_mb'] as const;

/** `crm_resource --get-parameter` for each parameter the resource sets; unset ones are left out (agent defaults apply). */
export async function resourceParameters(resource: string, timeoutMs = 10_000): Promise<Record<string, string>> {
  const values: Record<string, string> = {};
  for (const name of OPERATOR_PARAMETERS) {
    const result = await run('crm_resource', ['--resource', resource, '--get-parameter', name], { timeoutMs });
    if (result.exitCode === 0 && result.stdout.trim() !== '') values[name] = result.stdout.trim().split('\n').at(-1)!.trim();
    else if (name === 'pgdata' && result.exitCode !== 0) throw new Error(`crm_resource --resource ${resource} --get-parameter pgdata failed: ${result.stderr.trim() || result.stdout.trim()}`);
  }
  return values;
}

/**
 * The agent's own parsing (defaults, validation, bindir from PG_VERSION) over
 * the resource's parameters, flags taking precedence: the CLI acts on the
 * instance exactly as the agent would.
 */
export function operatorParams(fromResource: Record<string, string>, flags: Record<string, string | undefined>, instance: string): AgentParams {
  const raw: Record<string, string> = { ...fromResource };
  for (const [name, value] of Object.entries(flags)) if (value !== undefined) raw[name] = value;
  return parseParams(raw, instance);
}
