import type { AgentContext } from '../context.js';
import { readControldata } from '../../pg/controldata.js';
import { parseConninfo } from '../../pg/conninfo.js';
import { readServerSetting } from '../../pg/settings.js';
import { withConnection } from '../../pg/sql.js';
import { rewindBlocker } from '../../rejoin/policy.js';
import { errorMessage } from '../../common/text.js';

/**
 * The functions pg_rewind runs on its source: a role that is not superuser
 * needs EXECUTE on each (PostgreSQL's pg_rewind documentation).
 */
export const REWIND_SOURCE_FUNCTIONS = [
  'pg_catalog.pg_ls_dir(text, boolean, boolean)',
  'pg_catalog.pg_stat_file(text, boolean)',
  'pg_catalog.pg_read_binary_file(text)',
  'pg_catalog.pg_read_binary_file(text, bigint, bigint, boolean)',
] as const;

/** The warning for a rewind role lacking some of those grants, with the statements that fix it. */
export function missingRewindGrantsWarning(role: string, missing: readonly string[]): string | undefined {
  if (missing.length === 0) return undefined;
  const quoted = `"${role.replace(/"/g, '""')}"`;
  return `pg_rewind from another node connects as ${role}, which cannot run ${missing.join(', ')}: a diverged old primary would fail to rewind; on the primary run ${missing.map((f) => `GRANT EXECUTE ON FUNCTION ${f} TO ${quoted};`).join(' ')}`;
}

/**
 * validate-all's warnings (never a failure) when a diverged old primary could
 * not be rewound: wal_log_hints off, as the server will read it, and no data
 * checksums (fixed at initdb); or the role of primary_conninfo, which the
 * rewind uses against the other nodes, lacks pg_rewind's grants (checked in
 * the local catalog when the instance runs: the grants replicate).
 */
export async function warnIfRewindImpossible(ctx: AgentContext): Promise<void> {
  const { bindir, pgdata, datadir, startOptions, systemUser } = ctx.params;
  try {
    const control = await readControldata(bindir, datadir);
    const walLogHints = (await readServerSetting(bindir, pgdata, startOptions, systemUser, 'wal_log_hints')) === 'on';
    const blocker = rewindBlocker({ walLogHints, dataChecksums: control.dataChecksums });
    if (blocker) {
      const fallback = ctx.params.rejoin.policy === 'reclone' ? 'a diverged old primary will be re-cloned with pg_basebackup' : `a diverged old primary will not rejoin by itself (rejoin=${ctx.params.rejoin.policy})`;
      ctx.log.warning(`${blocker}: ${fallback}; set wal_log_hints = on (takes effect at the next restart)`);
    }
    const role = parseConninfo(await readServerSetting(bindir, pgdata, startOptions, systemUser, 'primary_conninfo')).get('user') ?? systemUser;
    const warning = missingRewindGrantsWarning(role, await functionsRoleCannotRun(ctx, role));
    if (warning) ctx.log.warning(warning);
  } catch (error) {
    ctx.log.warning(`could not check whether pg_rewind can work: ${errorMessage(error)}`);
  }
}

/** pg_rewind's functions the role may not execute; none for a superuser, an unknown role or a stopped instance. */
async function functionsRoleCannotRun(ctx: AgentContext, role: string): Promise<string[]> {
  try {
    return await withConnection(ctx.connection, async (client) => {
      const result = await client.query(
        `SELECT f FROM unnest($2::text[]) AS f, pg_roles r
          WHERE r.rolname = $1 AND NOT r.rolsuper AND NOT has_function_privilege(r.oid, f, 'EXECUTE')`,
        [role, REWIND_SOURCE_FUNCTIONS],
      );
      return result.rows.map((row: { f: string }) => row.f);
    });
  } catch {
    // Not running: nothing to ask; validate-all's other checks still ran.
    return [];
  }
}
