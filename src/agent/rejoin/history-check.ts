import type { AgentContext } from '../context.js';
import { getProcessDeadline } from '../../exec/run.js';
import type { LocalStatus } from '../../pg/queries.js';
import { fetchTimelineHistory, identifySystem } from '../../pg/replication-connection.js';
import { queryRow, withConnection } from '../../pg/sql.js';
import { anyAnswers, tcpEndpoints } from '../../pg/tcp-reachable.js';
import { divergence } from '../../rejoin/divergence.js';
import { localWalOfRunningStandby } from '../../rejoin/local-wal.js';
import { errorMessage } from '../../common/text.js';

/** A primary on the cluster's network answers a SYN in milliseconds; one that has not within this is not there. */
const PRIMARY_ANSWER_MS = 200;

/**
 * Why this running standby, which has not streamed for a while, can never
 * stream from the primary it is configured for (its history forked), or
 * undefined: primary unreachable or itself a standby, or histories that agree.
 * Loaded by the standby monitor only when the check is due.
 */
export async function divergedHistoryReason(ctx: AgentContext, status: LocalStatus): Promise<string | undefined> {
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
    ctx.log.debug(`divergence check skipped: ${errorMessage(error)}`);
    return undefined;
  }
}
