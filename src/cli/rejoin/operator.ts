import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentParams } from '../../agent/params.js';
import { run } from '../../exec/run.js';
import { readControldata } from '../../pg/controldata.js';
import { writeDataDirectoryFile } from '../../pg/data-directory-file.js';
import { formatLsn } from '../../pg/lsn.js';
import { processesInDataDirectory, removeStaleLockFiles, runningPostmasterPid } from '../../pg/postmaster.js';
import { readReplicationSettings, readServerSetting, replicationSettingProblems } from '../../pg/settings.js';
import { parseCrmMon } from '../../pacemaker/crm-mon.js';
import { redactSecrets } from '../../ocf/log.js';
import { rewindBlocker } from '../../rejoin/policy.js';
import { assessStoppedInstance, describeVerdict, executeRejoin } from '../../rejoin/rejoin.js';
import { planReclone } from '../../rejoin/reclone.js';
import { describeKept, describeStep } from '../../rejoin/reclone-plan.js';
import { runRewind } from '../../rejoin/rewind.js';
import type { RejoinTarget } from '../../rejoin/target.js';

export interface OperatorRequest {
  method: 'rewind' | 'reclone';
  params: AgentParams;
  node: string;
  resource: string | undefined;
  source: string | undefined;
  dryRun: boolean;
  timeoutMs: number;
  out: (line: string) => void;
  /** Asked once every check passed, before anything changes; false: nothing is done. */
  confirm: (what: string) => Promise<boolean>;
}

export class Refusal extends Error {}

/**
 * `pgha rewind` / `pgha reclone` on a stopped node: refuses while PostgreSQL
 * runs here, while this node holds the promoted role, or when the source is
 * not a primary; then the agent's own assessment and rejoin code.
 */
export async function operatorRejoin(req: OperatorRequest, target: RejoinTarget): Promise<void> {
  const started = Date.now();
  const { params, out } = req;
  if (!existsSync(join(params.datadir, 'PG_VERSION'))) throw new Refusal(`${params.datadir} is not a PostgreSQL data directory (no PG_VERSION): check --pgdata/--datadir`);
  if ((await runningPostmasterPid(params.datadir)) !== undefined) throw new Refusal(`PostgreSQL is running in ${params.datadir}: stop it (or the cluster resource on this node) first`);
  const leftovers = await processesInDataDirectory(params.datadir);
  if (leftovers.length > 0) throw new Refusal(`processes of a dead postmaster still run in ${params.datadir} (${leftovers.join(' ')}): end them first`);
  await refuseIfPromotedHere(req);
  const source = req.source ?? (await readServerSetting(params.bindir, params.pgdata, params.startOptions, params.systemUser, 'primary_conninfo'));
  if (source.trim() === '') throw new Refusal('no source: primary_conninfo is empty; give --source CONNINFO');
  const control = await readControldata(params.bindir, params.datadir);
  const result = await assessStoppedInstance(target, control, source, 10_000);
  if (!result.assessed) throw new Refusal(result.why);
  const { assessment } = result;
  const { verdict } = assessment;
  out(`source ${redactSecrets(source)}: primary on timeline ${assessment.primary.timeline}, flushed to ${formatLsn(assessment.primary.flushLsn)}`);
  out(`local ${params.datadir}: ${describeVerdict(assessment)}`);
  if (req.method === 'rewind') {
    if (verdict.verdict === 'compatible') return out('not diverged: nothing to rewind, the node can start as a standby');
    if (verdict.verdict === 'unknown') throw new Refusal(`not rewinding: ${verdict.reason}`);
    const blocker = rewindBlocker(control);
    if (blocker) throw new Refusal(`cannot rewind: ${blocker}; "pgha reclone" re-clones instead`);
  }
  if (verdict.verdict === 'diverged') out(`would discard WAL ${formatLsn(verdict.forkLsn)}..${formatLsn(assessment.local.endLsn)} of timeline ${verdict.forkTimeline}, after copying it to ${target.archiveDir}`);
  // pg_rewind refuses any postmaster.pid: a dead postmaster's is removed, but only once the checks passed and the operator agreed.
  const staleLock = join(params.datadir, 'postmaster.pid');
  const hasStaleLock = existsSync(staleLock);
  if (hasStaleLock) out(`${req.dryRun ? 'would remove' : 'removing'} ${staleLock}, left by a dead postmaster`);
  // Every refusal comes before the question (and in a dry run): the operator is never asked to agree to what will not happen.
  const problems = replicationSettingProblems(await readReplicationSettings(params.bindir, params.pgdata, params.startOptions, params.systemUser), req.node);
  // The node's configuration comes back byte for byte: what would stop it starting as a standby then stops it now.
  if (problems.length > 0) throw new Refusal(`not rejoining, nothing changed: the node could not start as a standby afterwards: ${problems.join('; ')}`);
  if (req.method === 'reclone') {
    const plan = await planReclone(params.datadir, new Date());
    if (!plan.keepAside) throw new Refusal(plan.reason);
    if (req.dryRun) for (const step of plan.steps) out(describeStep(step));
  }
  if (req.dryRun) {
    if (req.method === 'rewind' && control.state === 'shut down' && !hasStaleLock) {
      const failure = await runRewind(target, source, req.timeoutMs, '', true);
      if (failure) throw new Refusal(failure);
      out('pg_rewind --dry-run succeeded');
    }
    return out(`dry run: nothing changed (${elapsed(started)})`);
  }
  if (!(await req.confirm(`${req.method} ${params.datadir} from ${redactSecrets(source)}`))) throw new Refusal('not confirmed: nothing changed');
  if (hasStaleLock) await removeStaleLockFiles([staleLock], { evenIfGone: true });
  const outcome = await executeRejoin(target, source, assessment, req.method, false, req.timeoutMs - (Date.now() - started));
  await writeDataDirectoryFile(params.datadir, 'standby.signal', '');
  if (outcome.archivePath) out(`discarded WAL kept in ${outcome.archivePath} (manifest.json)`);
  for (const kept of outcome.keptAside) out(describeKept(kept));
  out(`${outcome.method === 'rewind' ? 'rewound' : 're-cloned'} ${params.datadir} in ${(outcome.ms / 1000).toFixed(2)}s (total ${elapsed(started)}); standby.signal written`);
  out(req.resource ? `start it with the cluster: pcs resource cleanup ${req.resource} --node ${req.node}` : 'start it as a standby (the agent, or pg_ctl start)');
}

const elapsed = (started: number) => `${((Date.now() - started) / 1000).toFixed(2)}s`;

async function refuseIfPromotedHere(req: OperatorRequest): Promise<void> {
  const result = await run('crm_mon', ['--one-shot', '--output-as=xml'], { timeoutMs: 10_000 }).catch(() => undefined);
  if (!result || result.exitCode !== 0) {
    req.out('cluster status unavailable here (crm_mon): this node holds no cluster role');
    return;
  }
  const mon = await parseCrmMon(result.stdout);
  for (const clone of mon.clones) {
    for (const instance of clone.instances) {
      const ours = req.resource === undefined || instance.resourceId === req.resource || instance.resourceId.startsWith(`${req.resource}:`) || clone.id === req.resource;
      if (ours && instance.nodes.includes(req.node) && ['Promoted', 'Master'].includes(instance.role)) {
        throw new Refusal(`${req.node} holds the promoted role of ${instance.resourceId}: move it away first (pgha switchover)`);
      }
    }
  }
}

