import type { AgentContext } from '../context.js';
import type { LocalStatus } from '../../pg/queries.js';
import type { LocalState } from '../local-state.js';
import { divergenceCheckDue, trackNotStreaming } from '../../rejoin/divergence.js';

/**
 * Why a running standby that does not stream can never stream from the
 * reachable primary (its history forked), or undefined: streaming, primary
 * unreachable or a standby, or histories that agree. A streaming standby
 * only clears the not-streaming record of `state` (the caller writes it
 * back); the check itself, and its modules, come only once the standby has
 * not streamed for DIVERGENCE_CHECK_AFTER_MS.
 */
export async function divergedStandbyReason(ctx: AgentContext, status: LocalStatus | undefined, state: LocalState): Promise<string | undefined> {
  if (!status?.inRecovery) return undefined;
  if (!notStreamingForLong(ctx, status.receiver?.status === 'streaming', state)) return undefined;
  return (await import('./history-check.js')).divergedHistoryReason(ctx, status);
}

/** Keeps the not-streaming record of the local state current; whether the history check is due. */
function notStreamingForLong(ctx: AgentContext, streaming: boolean, state: LocalState): boolean {
  const now = Date.now();
  // Three missed monitors (or 30 s) without a sighting: this node did something else meanwhile.
  state.notStreaming = trackNotStreaming(state.notStreaming, streaming, now, Math.max(30_000, 3 * ctx.env.intervalMs));
  return divergenceCheckDue(state.notStreaming, now);
}
