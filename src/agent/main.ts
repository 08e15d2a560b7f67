import './node20-navigator.js';
import type { OcfEnvironment } from '../ocf/environment.js';
import { OCF, OcfError, type OcfExitCode } from '../ocf/exit-codes.js';
import type { Logger } from '../ocf/log.js';
import { runAgent, type ActionHandler } from '../ocf/run-agent.js';
import { buildContext, type AgentContext } from './context.js';
import { AGENT_NAME, agentMetadata } from './metadata.js';

declare const __PGHA_VERSION__: string | undefined;
const VERSION = typeof __PGHA_VERSION__ === 'string' ? __PGHA_VERSION__ : '0.1.0';

/**
 * stop never fails on parameters: Pacemaker stops with the parameters the
 * instance was started with, so values that do not even parse mean nothing
 * was started with them (and a failed stop would get the node fenced).
 */
const stopWithAnyParameters: ActionHandler = async (env, log) => {
  let ctx: AgentContext;
  try {
    ctx = await buildContext(env, log);
  } catch (error) {
    if (!(error instanceof OcfError)) throw error;
    log.warning(`stop with unusable parameters (${error.reason}): nothing can be running with them`);
    return OCF.SUCCESS;
  }
  return (await import('./actions/stop.js')).stop(ctx);
};

const withContext =
  (action: (ctx: AgentContext) => Promise<OcfExitCode>): ActionHandler =>
  async (env: OcfEnvironment, log: Logger) =>
    action(await buildContext(env, log));

runAgent(
  {
    name: AGENT_NAME,
    metadata: () => agentMetadata(VERSION),
    actions: {
      start: withContext(async (ctx) => (await import('./actions/start.js')).start(ctx)),
      stop: stopWithAnyParameters,
      monitor: withContext(async (ctx) => (await import('./actions/monitor.js')).monitor(ctx)),
      promote: withContext(async (ctx) => (await import('./actions/promote.js')).promote(ctx)),
      demote: withContext(async (ctx) => (await import('./actions/demote.js')).demote(ctx)),
      notify: withContext(async (ctx) => (await import('./actions/notify.js')).notify(ctx)),
      'validate-all': withContext(async (ctx) => (await import('./actions/validate-all.js')).validateAll(ctx)),
      'reload-agent': withContext(async (ctx) => (await import('./actions/validate-all.js')).reloadAgent(ctx)),
    },
  },
  process.argv.slice(2),
  process.env,
).then((code) => process.exit(code));
