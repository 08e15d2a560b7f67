import { OCF, genericError, type OcfExitCode } from '../../ocf/exit-codes.js';
import type { AgentContext } from '../context.js';
import { clearPositions, confirmBestCandidate, readPeerPositions } from '../election/elect.js';
import { ensureStandby, settle } from '../ensure-standby.js';
import { observe } from '../observe.js';
import { readLocalStatus, type LocalStatus } from '../../pg/queries.js';
import { getProcessDeadline } from '../../exec/run.js';
import { manageSynchronousReplication, rememberPromotion } from '../sync-replication.js';
import { localWalPosition } from '../../election/wal-position.js';
import { promoteAndWait } from '../../pg/promotion.js';
import { withConnection } from '../../pg/sql.js';
import { nodesAfterTransition } from '../../ocf/notify.js';
import { errorMessage } from '../../common/text.js';

/**
 * Before clients arrive (the VIP starts after promote): with sync_mode on,
 * points synchronous_standby_names at the other members of the published
 * set, so the first commits wait for them as they reconnect instead of going
 * unprotected; with it off, releases a set inherited from the old primary,
 * so the first commits do not hang on it.
 */
async function prepareForWrites(ctx: AgentContext, promoted: LocalStatus): Promise<void> {
  try {
    const notification = ctx.env.notification;
    if (ctx.params.syncMode !== 'off') await rememberPromotion(ctx, notification && nodesAfterTransition(notification));
    await manageSynchronousReplication(ctx, [], promoted, { mayWaitForMembership: false });
  } catch (error) {
    ctx.log.warning(`synchronous replication after promote: ${errorMessage(error)}`);
  }
}

const PROMOTION_POLL_MS = 10;
/** Kept from the deadline to report a promotion that did not end. */
const PROMOTED_CHECK_RESERVE_MS = 1_000;

/**
 * promote: only the best candidate, and only once it is really writable. The
 * primary's score (1001) is left to its first monitor, which the transition
 * runs right after: an attribute change here would abort the transition and
 * hold the post-promote notifications and the VIP until Pacemaker replans.
 */
export async function promote(ctx: AgentContext): Promise<OcfExitCode> {
  const notification = ctx.env.notification;
  // The peers' positions are read while this node looks at its own instance.
  const reading = notification && readPeerPositions(ctx, notification);
  let positionsCleared: Promise<void> | undefined;
  try {
    let current = await settle(ctx, await observe(ctx));
    if (current.state === 'primary') {
      ctx.log.info('already primary');
      return OCF.SUCCESS;
    }
    current = await ensureStandby(ctx, current);
    const own = current.status && (await localWalPosition(current.status, ctx.params.datadir));
    if (!own) throw genericError('cannot read this standby\'s WAL position');
    if (reading && notification) {
      const positions = await reading;
      positionsCleared = clearPositions(ctx, positions); // while the promotion goes on
      await confirmBestCandidate(ctx, notification, own, positions);
    } else ctx.log.warning('promote without notification variables (run by hand?): no election against other standbys');
    const deadline = getProcessDeadline().reserving(PROMOTED_CHECK_RESERVE_MS);
    const promoted = await withConnection(ctx.connection, async (client) =>
      (await promoteAndWait(client, deadline, PROMOTION_POLL_MS)) ? await readLocalStatus(client) : undefined,
    ).catch((error: unknown) => {
      throw genericError(`promotion failed: ${errorMessage(error)}`);
    });
    if (!promoted) throw genericError(`still in recovery ${PROMOTED_CHECK_RESERVE_MS / 1000} s before the promote timeout, after pg_promote`);
    await prepareForWrites(ctx, promoted);
    ctx.log.info('promoted: accepting writes');
    return OCF.SUCCESS;
  } finally {
    await (positionsCleared ?? reading?.then((positions) => clearPositions(ctx, positions)));
  }
}
