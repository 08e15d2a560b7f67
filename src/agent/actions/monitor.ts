import { SCORE } from '../../election/scores.js';
import { OCF, OcfError, genericError, type OcfExitCode } from '../../ocf/exit-codes.js';
import { describeState } from '../../pg/instance-state.js';
import { monitorExitCode } from '../monitor-exit-code.js';
import { runningPostmasterPid } from '../../pg/postmaster.js';
import { divergedStandbyReason } from '../rejoin/monitor-check.js';
import type { AgentContext } from '../context.js';
import { settle } from '../ensure-standby.js';
import { observe, type Observation } from '../observe.js';
import { manageSynchronousReplication } from '../sync-replication.js';
import { EMPTY_SET, type SyncSet } from '../../sync/synchronous-set.js';
import { forceScore, scoreFromPrimary, scoreStandby } from '../election/publish-scores.js';
import { updateLocalState } from '../local-state.js';
import { checkLocalInstallation } from '../validate.js';
import { restartStalledWalReceiver } from '../wal-receiver.js';
import { errorMessage } from '../../common/text.js';

/**
 * monitor (and probe): the actual role, never what Pacemaker believes. The
 * steady state is one SQL round trip; the role's scores are kept current.
 * A standby that does not stream is checked against the primary's history:
 * diverged, it is a failure that must never be promoted. A standby whose
 * WAL receiver waits on an unanswered SYN has it restarted.
 */
export async function monitor(ctx: AgentContext): Promise<OcfExitCode> {
  let observation;
  try {
    observation = await observe(ctx);
  } catch (error) {
    // SQL failed and pg_controldata could not run: tell a missing installation from the rest.
    await checkInstallationForMonitor(ctx);
    throw error;
  }
  observation = await settle(ctx, observation);
  const code = monitorExitCode(observation.state);
  if (observation.state === 'primary') await scoreFromPrimary(ctx, observation.peers, await synchronousSetOrWarn(ctx, observation));
  else if (observation.state === 'standby') {
    const { status } = observation;
    // One read and at most one write of the local state for both.
    const diverged = await updateLocalState(ctx.env.instance, async (state) => {
      const reason = await divergedStandbyReason(ctx, status, state);
      if (status?.receiver?.status === 'streaming' && !state.streamedSinceStart) {
        state.streamedSinceStart = true;
        state.unreplicatedWal = undefined;
      }
      if (!reason) {
        await restartStalledWalReceiver(ctx, status);
        await scoreStandby(ctx, status, state);
        if (state.redirected) await (await import('../redirect-cleanup.js')).clearRedirectResidue(ctx, state);
      }
      return reason;
    });
    if (diverged) {
      await forceScore(ctx, ctx.node, SCORE.NEVER);
      throw genericError(diverged);
    }
  }
  if (code === OCF.SUCCESS || code === OCF.RUNNING_PROMOTED || code === OCF.NOT_RUNNING) return code;
  throw new OcfError(code, `${describeState(observation.state)}${observation.sqlError ? `: ${observation.sqlError}` : ''}`);
}

/** A failure to manage the synchronous set is logged; it never fails the primary's monitor (PostgreSQL keeps its last set). */
async function synchronousSetOrWarn(ctx: AgentContext, observation: Observation): Promise<SyncSet> {
  try {
    return await manageSynchronousReplication(ctx, observation.peers, observation.status, { mayWaitForMembership: true });
  } catch (error) {
    ctx.log.warning(`synchronous replication: ${errorMessage(error)}`);
    return EMPTY_SET;
  }
}

async function checkInstallationForMonitor(ctx: AgentContext): Promise<void> {
  try {
    await checkLocalInstallation(ctx);
  } catch (error) {
    // A probe on a node without PostgreSQL (or its data) finds nothing running there.
    if (ctx.env.isProbe && error instanceof OcfError) {
      // Whatever the binaries, a live postmaster of this data directory is never "not running".
      const postmaster = await runningPostmasterPid(ctx.params.datadir);
      if (postmaster !== undefined) throw genericError(`a postmaster (pid ${postmaster}) runs in ${ctx.params.datadir}, but ${error.reason}`);
      ctx.log.info(`probe: ${error.reason}; reporting not running`);
      throw new OcfError(OCF.NOT_RUNNING, error.reason);
    }
    throw error;
  }
}
