import { deletePrivateAttribute, setPrivateAttribute } from '../../pacemaker/attributes.js';
import { formatPublishedPosition, localWalPosition, walPositionAttribute } from '../../election/wal-position.js';
import type { AgentContext } from '../context.js';
import type { LocalState } from '../local-state.js';

/**
 * pre-promote: publishes this standby's WAL position for the election (the
 * promote that reads the positions clears them), and restarts a WAL receiver
 * still trying to reach the lost primary so it finds the new one as soon as
 * the VIP moves. A node that is not a standby withdraws any position it left.
 */
export async function publishWalPosition(ctx: AgentContext, state: LocalState): Promise<void> {
  const attribute = walPositionAttribute(ctx.env.instance);
  const [{ observe }, { restartStalledWalReceiver }] = await Promise.all([import('../observe.js'), import('../wal-receiver.js')]);
  const observation = await observe(ctx);
  const position = observation.status && (await localWalPosition(observation.status, ctx.params.datadir));
  if (observation.state === 'standby' && position) {
    const unreplicated = observation.status?.receiver?.status !== 'streaming' && state.unreplicatedWal === true;
    const published = formatPublishedPosition(position, unreplicated);
    await setPrivateAttribute(attribute, published);
    ctx.log.info(`published WAL position ${published}`);
    await restartStalledWalReceiver(ctx, observation.status);
  } else {
    // A position left from an earlier election must not speak for this node now.
    await deletePrivateAttribute(attribute);
  }
}
