import { OCF, genericError, type OcfExitCode } from '../../ocf/exit-codes.js';
import { promotePostgres } from '../../pg/pg-ctl.js';
import { describeState } from '../../pg/instance-state.js';
import type { AgentContext } from '../context.js';
import { confirmBestCandidate } from '../election.js';
import { ensureStandby, settle } from '../ensure-standby.js';
import { observe, observeUntil, type Observation } from '../observe.js';
import { getProcessDeadline } from '../../exec/run.js';
import { manageSynchronousReplication, rememberPromotion } from '../sync-replication.js';
import { localWalPosition } from '../wal-position.js';

/**
 * Before clients arrive (the VIP starts after promote): with sync_mode on,
 * points synchronous_standby_names at the other members of the published
 * set, so the first commits wait for them as they reconnect instead of going
 * unprotected; with it off, releases a set inherited from the old primary,
 * so the first commits do not hang on it.
 */
async function prepareForWrites(ctx: AgentContext, promoted: Observation): Promise<void> {
  try {
    if (ctx.params.syncMode !== 'off') await rememberPromotion(ctx);
    await manageSynchronousReplication(ctx, [], promoted.status?.synchronousStandbyNames ?? '', promoted.status?.currentLsn);
  } catch (error) {
    ctx.log.warning(`synchronous replication after promote: ${error instanceof Error ? error.message : String(error)}`);
  }
}

const PROMOTION_POLL_MS = 25;

/**
 * promote: only the best candidate, and only once it is really writable. The
 * primary's score (1001) is left to its first monitor, which the transition
 * runs right after: an attribute change here would abort the transition and
 * hold the post-promote notifications and the VIP until Pacemaker replans.
 */
export async function promote(ctx: AgentContext): Promise<OcfExitCode> {
  let current = await settle(ctx, await observe(ctx));
  if (current.state === 'primary') {
    ctx.log.info('already primary');
    return OCF.SUCCESS;
  }
  current = await ensureStandby(ctx, current);
  const own = current.status && (await localWalPosition(current.status, ctx.params.datadir));
  if (!own) throw genericError('cannot read this standby\'s WAL position');
  if (ctx.env.notification) await confirmBestCandidate(ctx, ctx.env.notification, own);
  else ctx.log.warning('promote without notification variables (run by hand?): no election against other standbys');
  const result = await promotePostgres(ctx.pgctl);
  if (result.exitCode !== 0) throw genericError(`pg_ctl promote failed: ${result.stderr || result.stdout}`);
  // The server answers throughout; a promotion takes a few tens of milliseconds: poll closely.
  const promoted = await observeUntil(ctx, (o) => o.state === 'primary', getProcessDeadline(), PROMOTION_POLL_MS);
  if (promoted.state !== 'primary') throw genericError(`not writable after pg_ctl promote (${promoted.sqlError ?? describeState(promoted.state)})`);
  await prepareForWrites(ctx, promoted);
  ctx.log.info('promoted: accepting writes');
  return OCF.SUCCESS;
}
