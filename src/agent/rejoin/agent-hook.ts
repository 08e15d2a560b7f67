import type { AgentContext } from '../context.js';
import { endOrphanedProcesses, stopTarget } from '../lifecycle.js';
import type { Observation } from '../observe.js';
import { getProcessDeadline } from '../../exec/run.js';
import { genericError } from '../../ocf/exit-codes.js';
import { noOtherPrimaryAfterTransition } from '../../ocf/notify.js';
import { readControldata } from '../../pg/controldata.js';
import { readServerSetting } from '../../pg/settings.js';
import { planRejoin, rewindBlocker } from '../../rejoin/policy.js';
import { assessStoppedInstance, describeVerdict, executeRejoin } from '../../rejoin/rejoin.js';
import type { RejoinTarget } from '../../rejoin/target.js';
import { errorMessage } from '../../common/text.js';

export const rejoinTarget = (ctx: AgentContext): RejoinTarget => ({
  bindir: ctx.params.bindir,
  pgdata: ctx.params.pgdata,
  datadir: ctx.params.datadir,
  startOptions: ctx.params.startOptions,
  systemUser: ctx.params.systemUser,
  node: ctx.node,
  archiveDir: ctx.params.rejoin.archiveDir,
  archiveMaxBytes: ctx.params.rejoin.archiveMaxBytes,
  log: ctx.log,
});

/** How long the source may take to answer IDENTIFY_SYSTEM: short, an unreachable primary must not eat the start's budget. */
const sourceTimeoutMs = () => Math.max(1_000, Math.min(5_000, getProcessDeadline().remainingMs() / 4));

export type RejoinCheck = 'rejoined' | 'compatible' | 'not-checked';

/**
 * Before a stopped or crashed instance starts as a standby: when the primary
 * named by primary_conninfo is reachable and the local history forked from
 * its own, act per the rejoin parameter. Throws (OCF_ERR_GENERIC, with the
 * reason) when the policy refuses or the rejoin fails.
 */
export async function rejoinBeforeStart(ctx: AgentContext, observation: Observation): Promise<RejoinCheck> {
  const { notification } = ctx.env;
  if (notification?.unames.demote.includes(ctx.node) && !notification.unames.stop.includes(ctx.node)) {
    // Demoted in this transition and kept running (a switchover): primary until a moment ago, its
    // history is the cluster's, and the next primary is not promoted yet.
    ctx.log.info('demoted in this transition: history check not needed');
    return 'not-checked';
  }
  if (notification && noOtherPrimaryAfterTransition(notification, ctx.node)) {
    // No other node is or becomes primary (this node's own recovery, or a cluster start): nothing to
    // compare with, and the primary_conninfo target (the VIP) may not exist right now, so trying costs seconds.
    ctx.log.info('no other node is primary in this transition: history check not needed');
    return 'not-checked';
  }
  const { bindir, pgdata, startOptions, systemUser, datadir } = ctx.params;
  const conninfo = await readServerSetting(bindir, pgdata, startOptions, systemUser, 'primary_conninfo').catch(() => '');
  if (conninfo.trim() === '') return 'not-checked';
  const control = observation.control ?? (await readControldata(bindir, datadir));
  const target = rejoinTarget(ctx);
  const result = await assessStoppedInstance(target, control, conninfo, sourceTimeoutMs());
  if (!result.assessed) {
    ctx.log.info(`divergence not checked: ${result.why}`);
    return 'not-checked';
  }
  const { assessment } = result;
  ctx.log.info(`history check against the primary: ${describeVerdict(assessment)}`);
  if (assessment.verdict.verdict === 'unknown') return 'not-checked';
  const plan = planRejoin(ctx.params.rejoin.policy, assessment.verdict, rewindBlocker(control));
  switch (plan.action) {
    case 'none':
      return 'compatible';
    case 'refuse':
      throw genericError(plan.reason);
  }
  // Keep a quarter of what is left (at least 10 s) for starting the rejoined standby.
  const remaining = getProcessDeadline().remainingMs();
  const budget = remaining - Math.max(10_000, remaining / 4);
  if (budget < 1_000) throw genericError('diverged from the primary, and too little of the start timeout is left to rejoin: raise the start timeout');
  if (plan.action === 'reclone') ctx.log.warning(`re-cloning: ${plan.why}`);
  try {
    // A killed postmaster's children and lock files would stop pg_rewind's own crash recovery.
    await endOrphanedProcesses(stopTarget(ctx));
    const outcome = plan.action === 'rewind' ? await executeRejoin(target, conninfo, assessment, 'rewind', plan.fallback, budget) : await executeRejoin(target, conninfo, assessment, 'reclone', false, budget);
    ctx.log.info(`rejoined by ${outcome.method} in ${(outcome.ms / 1000).toFixed(2)}s`);
    return 'rejoined';
  } catch (error) {
    throw genericError(`diverged from the primary; ${errorMessage(error)}`);
  }
}
