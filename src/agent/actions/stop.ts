import type { OcfEnvironment } from '../../ocf/environment.js';
import { OCF, OcfError, type OcfExitCode } from '../../ocf/exit-codes.js';
import type { Logger } from '../../ocf/log.js';
import { deletePromotionScore } from '../../pacemaker/attributes.js';
import type { AgentContext } from '../context.js';
import { stopInstance, stopTarget } from '../lifecycle.js';
import { dataDirectoryOf } from '../params.js';
import { updateLocalState } from '../local-state.js';

/**
 * stop: 0 only once no PostgreSQL process of this instance is left. It never
 * fails on configuration checks (a failed stop gets the node fenced), and a
 * crashed instance is already stopped.
 */
export async function stop(ctx: AgentContext): Promise<OcfExitCode> {
  await stopInstance(stopTarget(ctx));
  if (ctx.env.notification?.unames.start.includes(ctx.node)) {
    // Stopped to be started again in this transition (a recovery): a score change here
    // would abort the transition and make Pacemaker choose a new primary from scratch.
    ctx.log.info('stopped (restarted in this transition: promotion score kept)');
    return OCF.SUCCESS;
  }
  await deletePromotionScore(ctx.env.instance);
  await updateLocalState(ctx.env.instance, async (state) => {
    delete state.scores[ctx.node];
  });
  ctx.log.info('stopped');
  return OCF.SUCCESS;
}

/**
 * stop when the parameters do not parse (pgport=abc, sync_mode=bogus): the
 * data directory they name is enough to stop PostgreSQL there; without even
 * that, stop fails rather than claim that nothing runs.
 */
export async function stopWithUnusableParameters(env: OcfEnvironment, log: Logger, error: OcfError): Promise<OcfExitCode> {
  const datadir = dataDirectoryOf(env.params);
  if (datadir === undefined) throw new OcfError(error.exitCode, `cannot stop: ${error.reason}, and no usable data directory to stop PostgreSQL in`);
  log.warning(`stop with unusable parameters (${error.reason}): stopping whatever runs in ${datadir}`);
  await stopInstance({ datadir, log, socketLockFile: undefined });
  log.info('stopped');
  return OCF.SUCCESS;
}
