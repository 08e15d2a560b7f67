import { OCF, type OcfExitCode } from '../../ocf/exit-codes.js';
import { warnIfRewindImpossible } from '../rejoin/validate-rewind.js';
import type { AgentContext } from '../context.js';
import { checkCloneConfiguration, checkLocalInstallation, checkReplicationSettings } from '../validate.js';

/** validate-all: parameters (already parsed with the context), clone meta, installation, replication settings; warns when pg_rewind could not work. */
export async function validateAll(ctx: AgentContext): Promise<OcfExitCode> {
  checkCloneConfiguration(ctx);
  await checkLocalInstallation(ctx);
  await checkReplicationSettings(ctx);
  await warnIfRewindImpossible(ctx);
  return OCF.SUCCESS;
}

/**
 * reload-agent: the reloadable parameters (maxlag, sync_mode, sync_count,
 * rejoin and its archive settings) are read afresh by every action, none of
 * them needs PostgreSQL restarted; parsing them is the check.
 */
export async function reloadAgent(ctx: AgentContext): Promise<OcfExitCode> {
  ctx.log.info(`parameters reloaded (maxlag=${ctx.params.maxlag}, sync_mode=${ctx.params.syncMode}, rejoin=${ctx.params.rejoin.policy})`);
  return OCF.SUCCESS;
}
