import { argsError, genericError } from '../ocf/exit-codes.js';
import { describeState } from '../pg/instance-state.js';
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
 * Brings the local instance to "running as a standby" from wherever it is,
 * the one path start, demote and promote share. A crashed primary is first
 * recovered in isolation; a running primary is an error here (demote stops it first).
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
      await recoverInIsolation(ctx);
      break;
    case 'crashed-standby':
    case 'stopped':
      break;
  }
  await checkReplicationSettings(ctx);
  return startAsStandby(ctx);
}
