import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { run } from '../exec/run.js';
import { argsError, configError, installError } from '../ocf/exit-codes.js';
import { dataDirectoryMajor } from '../pg/server-version.js';
import { readReplicationSettings, replicationSettingProblems } from '../pg/settings.js';
import type { AgentContext } from './context.js';
import { errorMessage } from '../common/text.js';

const REQUIRED_BINARIES = ['pg_ctl', 'postgres', 'pg_controldata'] as const;
export const MIN_PG_MAJOR = 12;

/** Binaries, OS user and data directory on this node: ERR_INSTALLED / ERR_ARGS (node-local, hard). */
export async function checkLocalInstallation(ctx: AgentContext): Promise<void> {
  const { bindir, systemUser, pgdata, datadir } = ctx.params;
  for (const binary of REQUIRED_BINARIES) {
    try {
      await access(`${bindir}/${binary}`, constants.X_OK);
    } catch {
      throw installError(`${bindir}/${binary} is missing or not executable: set bindir to the PostgreSQL binaries directory`);
    }
  }
  const id = await run('id', ['-u', systemUser], { timeoutMs: 5_000 });
  if (id.exitCode !== 0) throw installError(`system_user ${systemUser} does not exist on this node`);
  if (id.stdout.trim() === '0') throw configError(`system_user ${systemUser} has uid 0: PostgreSQL refuses to run as root, set the server's own user`);
  for (const [name, dir] of [['pgdata', pgdata], ['datadir', datadir]] as const) {
    const info = await stat(dir).catch(() => undefined);
    if (!info?.isDirectory()) throw argsError(`${name} ${dir} is not a directory on this node`);
  }
  const major = dataDirectoryMajor(datadir);
  if (major === undefined) throw argsError(`${datadir} is not a PostgreSQL data directory (no PG_VERSION): check datadir/pgdata`);
  if (major < MIN_PG_MAJOR) throw installError(`PostgreSQL ${major} is not supported: pgha needs PostgreSQL ${MIN_PG_MAJOR} or later`);
}

/**
 * The clone must be promotable with one primary and notifications. Checked
 * only when Pacemaker passes clone meta: pcs runs validate-all at create time
 * without it (PAF #216).
 */
export function checkCloneConfiguration(ctx: AgentContext): void {
  const { clone } = ctx.env;
  if (!clone.isClone) return;
  if (!clone.promotable) throw configError('the clone is not promotable: set meta promotable=true on the clone');
  if (!clone.notify) throw configError('the clone has notify=false: set meta notify=true on the clone (the election needs notifications)');
  if (clone.promotedMax !== undefined && clone.promotedMax !== 1) throw configError(`promoted-max=${clone.promotedMax}: pgha supports exactly one primary, set promoted-max=1`);
}

/** wal_level, hot_standby, primary_conninfo's application_name, recovery_target_timeline, as the server will read them. */
export async function checkReplicationSettings(ctx: AgentContext): Promise<void> {
  const { bindir, pgdata, startOptions, systemUser } = ctx.params;
  let settings;
  try {
    settings = await readReplicationSettings(bindir, pgdata, startOptions, systemUser);
  } catch (error) {
    throw argsError(`cannot read the server configuration: ${errorMessage(error)}`);
  }
  const problems = replicationSettingProblems(settings, ctx.node);
  for (const problem of problems) ctx.log.error(problem);
  if (problems.length > 0) throw argsError(problems[0]!);
}
