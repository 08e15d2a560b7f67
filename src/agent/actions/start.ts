import { OCF, type OcfExitCode } from '../../ocf/exit-codes.js';
import type { AgentContext } from '../context.js';
import { ensureStandby } from '../ensure-standby.js';
import { observe } from '../observe.js';
import { scoreAsStandbyUnlessPromotedNext } from '../election/publish-scores.js';
import { checkCloneConfiguration, checkLocalInstallation } from '../validate.js';

/** start: always as a standby (promotion is Pacemaker's separate decision); 0 if already running as one. */
export async function start(ctx: AgentContext): Promise<OcfExitCode> {
  checkCloneConfiguration(ctx);
  await checkLocalInstallation(ctx);
  const running = await ensureStandby(ctx, await observe(ctx));
  await scoreAsStandbyUnlessPromotedNext(ctx, running.status);
  ctx.log.info('running as a standby');
  return OCF.SUCCESS;
}
