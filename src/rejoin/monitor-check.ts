import type { AgentContext } from '../agent/context.js';
import { getProcessDeadline } from '../exec/run.js';
import type { LocalStatus } from '../pg/queries.js';
import { fetchTimelineHistory, identifySystem } from '../pg/replication-connection.js';
import { queryRow, withConnection } from '../pg/sql.js';
import { anyAnswers, tcpEndpoints } from '../pg/tcp-reachable.js';
import type { LocalState } from '../agent/local-state.js';
import { divergence, divergenceCheckDue, trackNotStreaming } from './divergence.js';
import { localWalOfRunningStandby } from './local-wal.js';

/** A primary on the cluster's network answers a SYN in milliseconds; one that has not within this is not there. */
const PRIMARY_ANSWER_MS = 200;

/**
 * Why a running standby that does not stream can never stream from the
 * reachable primary (its history forked), or undefined: streaming, primary
 * unreachable or a standby, or histories that agree. Runs only off the
 * steady state (for a streaming standby it only clears the not-streaming
 * record of `state`, which the caller writes back), and only once the standby has not streamed for
 * DIVERGENCE_CHECK_AFTER_MS.
 */
export async function divergedStandbyReason(ctx: AgentContext, status: LocalStatus | undefined, state: LocalState): Promise<string | undefined> {
  if (!status?.inRecovery) return undefined;
  if (!notStreamingForLong(ctx, status.receiver?.status === 'streaming', state)) return undefined;
  const conninfo = await withConnection(ctx.connection, async (c) => (await queryRow<{ v: string }>(c, "SELECT current_setting('primary_conninfo') AS v"))?.v ?? '').catch(() => '');
  if (conninfo.trim() === '') return undefined;
  // The VIP nobody holds yet (a failover under way): the check would wait out its whole
  // connect timeout, and this node's next operation (a notification, a promote) with it.
  const endpoints = tcpEndpoints(conninfo);
  if (endpoints && !(await anyAnswers(endpoints, PRIMARY_ANSWER_MS))) {
    ctx.log.debug(`divergence check skipped: ${endpoints.map((e) => `${e.host}:${e.port}`).join(',')} does not answer`);
    return undefined;
  }
  const source = { bindir: ctx.params.bindir, conninfo, osUser: ctx.params.systemUser, timeoutMs: Math.max(1_000, Math.min(3_000, getProcessDeadline().remainingMs() / 4)) };
  try {
    const identity = await identifySystem(source);
    if (identity.inHotStandby) return undefined;
    const local = await localWalOfRunningStandby({ bindir: ctx.params.bindir, datadir: ctx.params.datadir, systemUser: ctx.params.systemUser }, status);
    if (!local) return undefined;
    const verdict = divergence(local, { ...identity, history: await fetchTimelineHistory(source, identity.timeline) });
    if (verdict.verdict !== 'diverged') return undefined;
    return `not streaming: the local history diverged from the primary's (${verdict.reason}); restart the resource to rejoin (rejoin=${ctx.params.rejoin.policy})`;
  } catch (error) {
    ctx.log.debug(`divergence check skipped: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

/** Keeps the not-streaming record of the local state current; whether the history check is due. */
function notStreamingForLong(ctx: AgentContext, streaming: boolean, state: LocalState): boolean {
  const now = Date.now();
  // Three missed monitors (or 30 s) without a sighting: this node did something else meanwhile.
  state.notStreaming = trackNotStreaming(state.notStreaming, streaming, now, Math.max(30_000, 3 * ctx.env.intervalMs));
  return divergenceCheckDue(state.notStreaming, now);
}
