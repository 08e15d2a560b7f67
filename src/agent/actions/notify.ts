import { OCF, type OcfExitCode } from '../../ocf/exit-codes.js';
import { nodesAfterTransition } from '../../ocf/notify.js';
import type { AgentContext } from '../context.js';
import { updateLocalState, type LocalState } from '../local-state.js';
import { publishWalPosition } from '../election/publish-position.js';
import { errorMessage } from '../../common/text.js';

/**
 * notify: never fails (Pacemaker ignores the result) and changes nothing in
 * PostgreSQL. pre-promote publishes this node's WAL position for the
 * election (publishWalPosition); every notification refreshes the node list.
 * The others run no command: each is a process on every node in a
 * failover's critical path.
 */
export async function notify(ctx: AgentContext): Promise<OcfExitCode> {
  const n = ctx.env.notification;
  if (!n) return OCF.SUCCESS;
  try {
    const state = await rememberNodes(ctx, n.unames.all.length > 0 ? n.unames.all : [...n.unames.active, ...n.unames.inactive], nodesAfterTransition(n));
    if (n.type === 'pre' && n.operation === 'promote') {
      await publishWalPosition(ctx, state);
    }
  } catch (error) {
    ctx.log.warning(`notify ${n.type}-${n.operation}: ${errorMessage(error)}`);
  }
  return OCF.SUCCESS;
}

/** Refreshes the node lists in the local state; returns that state (one read for the whole notification). */
async function rememberNodes(ctx: AgentContext, nodes: string[], instanceNodes: string[]): Promise<LocalState> {
  return updateLocalState(ctx.env.instance, async (state) => {
    if (nodes.length === 0) return state;
    state.nodes = [...new Set(nodes)].sort();
    state.instanceNodes = [...new Set([...state.instanceNodes, ...instanceNodes])].sort();
    return state;
  });
}
