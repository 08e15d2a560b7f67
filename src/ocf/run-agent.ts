import { Deadline, DeadlineExceeded } from '../exec/deadline.js';
import { CommandFailed, setProcessDeadline } from '../exec/run.js';
import { readOcfEnvironment, type OcfEnvironment } from './environment.js';
import { OCF, OcfError, type OcfExitCode } from './exit-codes.js';
import { exitReasonLine, makeLogger, type Logger } from './log.js';
import { errorMessage, isTrue } from '../common/text.js';

export type ActionHandler = (env: OcfEnvironment, log: Logger) => Promise<OcfExitCode>;

export interface AgentDefinition {
  name: string;
  metadata: () => Promise<string>;
  actions: Record<string, ActionHandler>;
}

/** Time kept back from CRM_meta_timeout so the agent can still print its exit reason and exit. */
export const ACTION_TIMEOUT_RESERVE_MS = 1_500;

/**
 * The single place an agent process turns an action into an exit code:
 * meta-data and methods need no environment; an unknown action is 3; an
 * OcfError becomes its code plus an `ocf-exit-reason:` line; anything else is 1.
 */
export async function runAgent(agent: AgentDefinition, argv: readonly string[], env: NodeJS.ProcessEnv): Promise<OcfExitCode> {
  const action = argv[0] ?? '';
  if (action === 'meta-data') {
    process.stdout.write(await agent.metadata());
    return OCF.SUCCESS;
  }
  if (action === 'methods') {
    process.stdout.write(`${['meta-data', 'methods', ...Object.keys(agent.actions)].join('\n')}\n`);
    return OCF.SUCCESS;
  }
  const handler = agent.actions[action];
  if (!handler) {
    process.stderr.write(`usage: ${agent.name} {${['meta-data', 'methods', ...Object.keys(agent.actions)].join('|')}}\n`);
    return OCF.ERR_UNIMPLEMENTED;
  }
  const ocfEnv = readOcfEnvironment(action, env);
  setProcessDeadline(Deadline.after(ocfEnv.timeoutMs, ACTION_TIMEOUT_RESERVE_MS));
  const log = makeLogger(`${agent.name}(${ocfEnv.instance})[${action}${ocfEnv.isProbe ? ' probe' : ''}]`, undefined, isTrue(env.HA_debug));
  try {
    return await handler(ocfEnv, log);
  } catch (error) {
    const { code, reason } = describeFailure(error);
    log.error(reason);
    process.stderr.write(`${exitReasonLine(reason, env.OCF_EXIT_REASON_PREFIX || undefined)}\n`);
    return code;
  }
}

function describeFailure(error: unknown): { code: OcfExitCode; reason: string } {
  if (error instanceof OcfError) return { code: error.exitCode, reason: error.reason };
  if (error instanceof DeadlineExceeded || error instanceof CommandFailed) return { code: OCF.ERR_GENERIC, reason: error.message };
  return { code: OCF.ERR_GENERIC, reason: `internal error: ${errorMessage(error)}` };
}
