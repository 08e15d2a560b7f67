import type { AgentContext } from '../agent/context.js';
import { readControldata } from '../pg/controldata.js';
import { readServerSetting } from '../pg/settings.js';
import { rewindBlocker } from './policy.js';

/**
 * validate-all's warning (never a failure) when a diverged old primary could
 * not be rewound: wal_log_hints off, as the server will read it, and no data
 * checksums (fixed at initdb).
 */
export async function warnIfRewindImpossible(ctx: AgentContext): Promise<void> {
  const { bindir, pgdata, datadir, startOptions, systemUser } = ctx.params;
  try {
    const control = await readControldata(bindir, datadir);
    const walLogHints = (await readServerSetting(bindir, pgdata, startOptions, systemUser, 'wal_log_hints')) === 'on';
    const blocker = rewindBlocker({ walLogHints, dataChecksums: control.dataChecksums });
    if (!blocker) return;
    const fallback = ctx.params.rejoin.policy === 'reclone' ? 'a diverged old primary will be re-cloned with pg_basebackup' : `a diverged old primary will not rejoin by itself (rejoin=${ctx.params.rejoin.policy})`;
    ctx.log.warning(`${blocker}: ${fallback}; set wal_log_hints = on (takes effect at the next restart)`);
  } catch (error) {
    ctx.log.warning(`could not check whether pg_rewind can work: ${error instanceof Error ? error.message : String(error)}`);
  }
}
