import type { LocalStatus } from '../pg/queries.js';
import { STALLED_CONNECT_MS, waitsForSynAnswer } from '../pg/wal-receiver-connect.js';
import type { AgentContext } from './context.js';
import { errorMessage } from '../common/text.js';

/**
 * Restarts a WAL receiver whose connection attempt has gone unanswered
 * (SYN_SENT for over STALLED_CONNECT_MS): its next try, after
 * wal_retrieve_retry_interval, reaches whoever holds the address now instead
 * of waiting out the kernel's SYN backoff. A receiver that is exchanging
 * packets, even slowly (authentication, a busy primary), is left alone.
 * SIGTERM is what PostgreSQL itself sends it; the startup process starts a new one.
 */
export async function restartStalledWalReceiver(ctx: AgentContext, status: LocalStatus | undefined): Promise<void> {
  const receiver = status?.connectingReceiver;
  if (!receiver || receiver.ageMs < STALLED_CONNECT_MS || !(await waitsForSynAnswer(receiver.pid))) return;
  try {
    process.kill(receiver.pid, 'SIGTERM');
    ctx.log.info(`WAL receiver (pid ${receiver.pid}) had no answer to its connection attempt for ${(receiver.ageMs / 1000).toFixed(1)} s: restarted it so it connects again at once`);
  } catch (error) {
    // Gone meanwhile: its successor connects afresh anyway.
    ctx.log.debug(`WAL receiver ${receiver.pid}: ${errorMessage(error)}`);
  }
}
