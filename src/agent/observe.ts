import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { getProcessDeadline } from '../exec/run.js';
import { pollUntil, type Deadline } from '../exec/deadline.js';
import { readControldata, type Controldata } from '../pg/controldata.js';
import { classifyInstance, type InstanceState } from '../pg/instance-state.js';
import { processState } from '../common/proc.js';
import { runningPostmasterPid, STOPPED_BY_SIGNAL } from '../pg/postmaster.js';
import { readLocalStatus, readReplicationPeers, type LocalStatus, type ReplicationPeer } from '../pg/queries.js';
import { withConnection } from '../pg/sql.js';
import type { AgentContext } from './context.js';
import { errorMessage } from '../common/text.js';

export interface Observation {
  state: InstanceState;
  /** Present when SQL answered. */
  status: LocalStatus | undefined;
  /** A primary's pg_stat_replication, read in the same round trip. */
  peers: ReplicationPeer[];
  /** Present when SQL did not answer and pg_control exists. */
  control: Controldata | undefined;
  /** Why SQL did not answer. */
  sqlError: string | undefined;
}

/**
 * Looks at the local instance. The steady state costs one SQL round trip and
 * no child process; pg_controldata runs only when SQL does not answer.
 */
export async function observe(ctx: AgentContext): Promise<Observation> {
  let sqlError: string | undefined;
  try {
    const [status, peers] = await withConnection(ctx.connection, async (client) => {
      const local = await readLocalStatus(client);
      return [local, local.inRecovery ? [] : await readReplicationPeers(client)] as const;
    });
    return { state: status.inRecovery ? 'standby' : 'primary', status, peers, control: undefined, sqlError: undefined };
  } catch (error) {
    sqlError = errorMessage(error);
  }
  const { datadir, bindir } = ctx.params;
  const hasControl = existsSync(join(datadir, 'global', 'pg_control'));
  const control = hasControl ? await readControldata(bindir, datadir).catch((error: unknown) => {
    // The SQL failure is usually the one that explains the other.
    throw new Error(`PostgreSQL did not answer SQL (${sqlError}), then ${errorMessage(error)}`);
  }) : undefined;
  const postmaster = await runningPostmasterPid(datadir);
  if (postmaster !== undefined && (await processState(postmaster)) === STOPPED_BY_SIGNAL) {
    // Frozen: it will not settle by itself, whatever pg_control says.
    return { state: 'unresponsive', status: undefined, peers: [], control, sqlError: `${sqlError}; the postmaster (pid ${postmaster}) is stopped by a signal (SIGSTOP)` };
  }
  const state = classifyInstance({
    clusterState: control?.state,
    postmasterRunning: postmaster !== undefined,
    inRecovery: undefined,
    backupLabel: existsSync(join(datadir, 'backup_label')),
  });
  return { state, status: undefined, peers: [], control, sqlError };
}

/** Observes until `done` accepts the observation, or the deadline passes (then returns the last one). */
export async function observeUntil(ctx: AgentContext, done: (o: Observation) => boolean, deadline: Deadline = getProcessDeadline(), intervalMs = 100): Promise<Observation> {
  let last: Observation | undefined;
  const found = await pollUntil(deadline, intervalMs, async () => {
    last = await observe(ctx);
    return done(last) ? last : undefined;
  });
  return found ?? last ?? (await observe(ctx));
}

/** States that resolve by themselves given a little time. */
export const isSettling = (o: Observation) => o.state === 'transitional';
