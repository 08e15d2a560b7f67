import './navigator-shim.js';
import type { OcfEnvironment } from '../ocf/environment.js';
import { OcfError, type OcfExitCode } from '../ocf/exit-codes.js';
import type { Logger } from '../ocf/log.js';
import { runAgent, type ActionHandler } from '../ocf/run-agent.js';
import { buildContext, type AgentContext } from './context.js';
import { AGENT_NAME, agentMetadata } from './metadata.js';
import { PGHA_VERSION } from '../common/version.js';

/**
 * stop must not fail on parameters (a failed stop gets the node fenced), and
 * must never succeed while PostgreSQL runs: with parameters that do not
 * parse, it stops what runs in the data directory they name, which needs
 * nothing else, and fails when even that is unknown.
 */
const stopWithAnyParameters: ActionHandler = async (env, log) => {
  let ctx: AgentContext;
  try {
    ctx = await buildContext(env, log);
  } catch (error) {
    if (!(error instanceof OcfError)) throw error;
    return (await import('./actions/stop.js')).stopWithUnusableParameters(env, log, error);
  }
  return (await import('./actions/stop.js')).stop(ctx);
};

type Action = (ctx: AgentContext) => Promise<OcfExitCode>;

/** An action whose modules are loaded only when it runs: each action is a process of its own. */
const lazyAction =
  (load: () => Promise<Action>): ActionHandler =>
  async (env: OcfEnvironment, log: Logger) => {
    const ctx = await buildContext(env, log);
    return (await load())(ctx);
  };

runAgent(
  {
    name: AGENT_NAME,
    metadata: () => agentMetadata(PGHA_VERSION),
    actions: {
      start: lazyAction(async () => (await import('./actions/start.js')).start),
      stop: stopWithAnyParameters,
      monitor: lazyAction(async () => (await import('./actions/monitor.js')).monitor),
      promote: lazyAction(async () => (await import('./actions/promote.js')).promote),
      demote: lazyAction(async () => (await import('./actions/demote.js')).demote),
      notify: lazyAction(async () => (await import('./actions/notify.js')).notify),
      'validate-all': lazyAction(async () => (await import('./actions/validate-all.js')).validateAll),
      'reload-agent': lazyAction(async () => (await import('./actions/validate-all.js')).reloadAgent),
    },
  },
  process.argv.slice(2),
  process.env,
).then((code) => process.exit(code));
