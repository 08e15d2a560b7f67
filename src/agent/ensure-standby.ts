import { argsError, genericError } from '../ocf/exit-codes.js';
import { describeState } from '../pg/instance-state.js';
import { promotedAgainInPlace } from '../ocf/notify.js';
import { rejoinBeforeStart, type RejoinCheck } from './rejoin/agent-hook.js';
import type { AgentContext } from './context.js';
import { recoverInIsolation, startAsStandby } from './lifecycle.js';
import { isSettling, observeUntil, type Observation } from './observe.js';
import { checkReplicationSettings } from './validate.js';

/** Lets a starting, recovering or stopping instance finish before deciding anything about it. */
export async function settle(ctx: AgentContext, observation: Observation): Promise<Observation> {
  if (!isSettling(observation)) return observation;
  ctx.log.info(`instance is ${describeState(observation.state)}; waiting for it to settle`);
  return observeUntil(ctx, (o) => !isSettling(o));
}

/**
 * A crashed primary that this same transition promotes again, with no other
 * primary anywhere (Pacemaker's recovery in place: stop, start, promote):
 * the standby start replays all of its local WAL before it is consistent,
 * exactly what crash recovery would, and promote follows at once. Recovering
 * it in isolation first would only add a start and a shutdown.
 */
function recoveredInPlace(ctx: AgentContext): boolean {
  const inPlace = ctx.env.notification !== undefined && promotedAgainInPlace(ctx.env.notification, ctx.node);
  if (inPlace) ctx.log.info('crashed primary promoted again in this transition: its local WAL is replayed by the standby start, then promote');
  return inPlace;
}

/**
 * The start checks, then the rejoin: a rejoin puts the node's own
 * configuration back byte for byte, so what would fail after it fails now,
 * with nothing changed. Checked again after a rejoin, which must not have changed the outcome.
 */
async function checkedRejoin(ctx: AgentContext, o: Observation): Promise<RejoinCheck> {
  await checkReplicationSettings(ctx);
  const check = await rejoinBeforeStart(ctx, o);
  if (check === 'rejoined') await checkReplicationSettings(ctx);
  return check;
}

/**
 * Brings the local instance to "running as a standby" from wherever it is,
 * the one path start, demote and promote share. A stopped or crashed
 * instance whose history forked from the reachable primary's is rejoined
 * first (src/rejoin, per the rejoin parameter). A crashed primary is rewound
 * before any crash recovery (its end-of-recovery checkpoint would itself
 * fork), and is recovered in isolation only when its history could not be
 * checked; a running primary is an error here (demote stops it first).
 * The start checks come first (checkedRejoin).
 */
export async function ensureStandby(ctx: AgentContext, observation: Observation): Promise<Observation> {
  const o = await settle(ctx, observation);
  switch (o.state) {
    case 'standby':
      return o;
    case 'primary':
      throw genericError('PostgreSQL is running as a primary where a standby was expected');
    case 'unresponsive':
    case 'transitional':
      throw genericError(`PostgreSQL is ${describeState(o.state)}: ${o.sqlError ?? 'no answer'}`);
    case 'no-data':
      throw argsError(`no PostgreSQL data in ${ctx.params.datadir}: check datadir/pgdata, or rebuild this standby`);
    case 'crashed-primary':
      if ((await checkedRejoin(ctx, o)) === 'not-checked' && !recoveredInPlace(ctx)) await recoverInIsolation(ctx);
      break;
    case 'crashed-standby':
    case 'stopped':
      await checkedRejoin(ctx, o);
      break;
  }
  return startAsStandby(ctx);
}
