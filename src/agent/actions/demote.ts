import { OCF, type OcfExitCode } from '../../ocf/exit-codes.js';
import type { AgentContext } from '../context.js';
import { ensureStandby, settle } from '../ensure-standby.js';
import { stopInstance, stopTarget } from '../lifecycle.js';
import { observe } from '../observe.js';
import { scoreAsStandbyUnlessPromotedNext } from '../election/publish-scores.js';

/**
 * demote: PostgreSQL cannot demote online, so a clean stop then a start as
 * standby. The VIP stays until demote ends (order constraint), so standbys
 * receive everything up to the shutdown checkpoint.
 */
export async function demote(ctx: AgentContext): Promise<OcfExitCode> {
  let current = await settle(ctx, await observe(ctx));
  if (current.state === 'crashed-primary' && ctx.env.notification?.unames.stop.includes(ctx.node)) {
    // A recovery in place (demote, stop, start, promote): start recovers the crash. Doing it here
    // too would only start a standby for the stop to shut down again. Aborted in between, the
    // next monitor still finds a crashed primary and Pacemaker recovers it again.
    ctx.log.info('crashed primary, stopped in this transition: nothing to demote, start recovers it');
    return OCF.SUCCESS;
  }
  if (current.state === 'primary' || current.state === 'unresponsive') {
    await stopInstance(stopTarget(ctx));
    current = await observe(ctx);
  }
  // A crashed primary not stopped in this transition (on-fail=demote, the recommended recovery) comes up
  // as a standby here: replaying its own WAL when promoted again in place, recovered in isolation otherwise.
  const standby = await ensureStandby(ctx, current);
  await scoreAsStandbyUnlessPromotedNext(ctx, standby.status);
  ctx.log.info('demoted: running as a standby');
  return OCF.SUCCESS;
}
