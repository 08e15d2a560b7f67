import { OCF, type OcfExitCode } from '../../ocf/exit-codes.js';
import { deletePromotionScore } from '../../pacemaker/attributes.js';
import type { AgentContext } from '../context.js';
import { stopInstance } from '../lifecycle.js';
import { updateLocalState } from '../local-state.js';

/**
 * stop: 0 only once no PostgreSQL process of this instance is left. It never
 * fails on configuration checks (a failed stop gets the node fenced), and a
 * crashed instance is already stopped.
 */
export async function stop(ctx: AgentContext): Promise<OcfExitCode> {
  await stopInstance(ctx);
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
