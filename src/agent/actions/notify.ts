import { OCF, type OcfExitCode } from '../../ocf/exit-codes.js';
import { deletePrivateAttribute, setPrivateAttribute } from '../../pacemaker/attributes.js';
import { formatWalPosition } from '../../pg/lsn.js';
import { nodesAfterTransition } from '../../ocf/notify.js';
import type { AgentContext } from '../context.js';
import { loadLocalState, saveLocalState } from '../local-state.js';
import { walPositionAttribute } from '../wal-position.js';

/**
 * notify: never fails (Pacemaker ignores the result) and changes nothing in
 * PostgreSQL. pre-promote publishes this node's WAL position for the
 * election, and restarts a WAL receiver still trying to reach the lost
 * primary so it finds the new one as soon as the VIP moves; post-promote
 * clears the position; every notification refreshes the node list.
 */
export async function notify(ctx: AgentContext): Promise<OcfExitCode> {
  const n = ctx.env.notification;
  if (!n) return OCF.SUCCESS;
  try {
    await rememberNodes(ctx, n.unames.all.length > 0 ? n.unames.all : [...n.unames.active, ...n.unames.inactive], nodesAfterTransition(n));
    const attribute = walPositionAttribute(ctx.env.instance);
    if (n.type === 'pre' && n.operation === 'promote') {
      // Loaded only here: most notifications of a failover (pre/post demote and stop) just refresh
      // the node list, and each is a process on every node in the failover's critical path.
      const [{ observe }, { restartStalledWalReceiver }, { localWalPosition }] = await Promise.all([import('../observe.js'), import('../wal-receiver.js'), import('../wal-position.js')]);
      const observation = await observe(ctx);
      const position = observation.status && (await localWalPosition(observation.status, ctx.params.datadir));
      if (observation.state === 'standby' && position) {
        await setPrivateAttribute(attribute, formatWalPosition(position));
        ctx.log.info(`published WAL position ${formatWalPosition(position)}`);
        await restartStalledWalReceiver(ctx, observation.status);
      } else {
        // A position left from an earlier election must not speak for this node now.
        await deletePrivateAttribute(attribute);
      }
    } else if (n.type === 'post' && n.operation === 'promote') {
      await deletePrivateAttribute(attribute);
    }
  } catch (error) {
    ctx.log.warning(`notify ${n.type}-${n.operation}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return OCF.SUCCESS;
}

async function rememberNodes(ctx: AgentContext, nodes: string[], instanceNodes: string[]): Promise<void> {
  if (nodes.length === 0) return;
  const state = await loadLocalState(ctx.env.instance);
  state.nodes = [...new Set(nodes)].sort();
  state.instanceNodes = [...new Set([...state.instanceNodes, ...instanceNodes])].sort();
  await saveLocalState(ctx.env.instance, state);
}
