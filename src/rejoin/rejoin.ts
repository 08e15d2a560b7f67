import { run } from '../exec/run.js';
import type { Controldata } from '../pg/controldata.js';
import { formatLsn } from '../pg/lsn.js';
import { fetchTimelineHistory, identifySystem, type SystemIdentity } from '../pg/replication-connection.js';
import type { TimelineSwitch } from '../pg/timeline-history.js';
import { redactSecrets } from '../ocf/log.js';
import { divergence, type Divergence, type LocalWal } from './divergence.js';
import { archiveDivergedWal } from './evidence.js';
import { localWalOfStoppedInstance } from './local-wal.js';
import { runReclone } from './reclone.js';
import { describeKept, type KeptAside } from './reclone-plan.js';
import { nodeConfigCopyDir } from './node-config.js';
import { runRewind } from './rewind.js';
import type { RejoinTarget } from './target.js';

/** What the local instance and the source look like, and whether their histories agree. */
export interface Assessment {
  systemIdentifier: string;
  local: LocalWal;
  primary: SystemIdentity & { history: TimelineSwitch[] };
  verdict: Divergence;
}

export type AssessResult = { assessed: true; assessment: Assessment } | { assessed: false; why: string };

/**
 * Compares a stopped (or crashed) instance's WAL with the source's timeline
 * history. Not assessed when the source cannot be reached, is a standby, or
 * belongs to another database system: nothing can be decided then.
 */
export async function assessStoppedInstance(target: RejoinTarget, control: Controldata, sourceConninfo: string, timeoutMs: number): Promise<AssessResult> {
  const source = { bindir: target.bindir, conninfo: sourceConninfo, osUser: target.systemUser, timeoutMs };
  let identity: SystemIdentity;
  try {
    identity = await identifySystem(source);
  } catch (error) {
    return { assessed: false, why: `the primary (${redactSecrets(sourceConninfo)}) is not reachable: ${(error as Error).message}` };
  }
  if (identity.inHotStandby) return { assessed: false, why: `the server primary_conninfo reaches (${redactSecrets(sourceConninfo)}) is a standby, not a primary` };
  const systemIdentifier = await readSystemIdentifier(target);
  if (systemIdentifier !== identity.systemId) {
    return { assessed: false, why: `the source belongs to another database system (${identity.systemId}, local ${systemIdentifier})` };
  }
  const local = await localWalOfStoppedInstance(target, control);
  if (!local) return { assessed: false, why: 'the end of the local WAL could not be found' };
  const history = await fetchTimelineHistory(source, identity.timeline);
  const primary = { ...identity, history };
  return { assessed: true, assessment: { systemIdentifier, local, primary, verdict: divergence(local, primary) } };
}

async function readSystemIdentifier(target: RejoinTarget): Promise<string> {
  const result = await run(`${target.bindir}/pg_controldata`, [target.datadir], { timeoutMs: 10_000 });
  return /^Database system identifier:\s*(\d+)/m.exec(result.stdout)?.[1] ?? '';
}

export const describeVerdict = (a: Assessment) =>
  a.verdict.verdict === 'compatible'
    ? `local WAL (timeline ${a.local.timeline}, ends ${formatLsn(a.local.endLsn)}) is part of the primary's history (timeline ${a.primary.timeline})`
    : `${a.verdict.verdict}: ${a.verdict.reason}`;

export interface RejoinOutcome {
  method: 'rewind' | 'reclone';
  archivePath: string;
  /** Where a re-clone left the old data directory and tablespaces. */
  keptAside: KeptAside[];
  ms: number;
}

/**
 * Keeps the evidence, then rewinds or re-clones. `fallback` lets a failed
 * rewind turn into a re-clone; without it the rewind's failure is the error.
 */
export async function executeRejoin(
  target: RejoinTarget,
  sourceConninfo: string,
  assessment: Assessment,
  method: 'rewind' | 'reclone',
  fallback: boolean,
  timeoutMs: number,
): Promise<RejoinOutcome> {
  const started = Date.now();
  const { verdict } = assessment;
  const fork = verdict.verdict === 'diverged' ? { forkLsn: verdict.forkLsn, forkTimeline: verdict.forkTimeline } : undefined;
  let archivePath = '';
  if (fork) {
    const evidence = await archiveDivergedWal(target, {
      action: method,
      systemIdentifier: assessment.systemIdentifier,
      local: assessment.local,
      fork,
      newTimeline: assessment.primary.timeline,
      primaryFlushLsn: assessment.primary.flushLsn,
    });
    archivePath = evidence.path;
    const kept = `WAL discarded from ${evidence.manifest.forkLsn}: manifest in ${archivePath}`;
    if (evidence.manifest.copied) target.log.info(`${kept}, ${evidence.manifest.files.length} file(s) copied`);
    else target.log.warning(`${kept}; ${evidence.manifest.warning}`);
  }
  const remaining = () => timeoutMs - (Date.now() - started);
  const configCopies = nodeConfigCopyDir(target, archivePath);
  if (method === 'rewind') {
    const failure = await runRewind(target, sourceConninfo, remaining(), configCopies);
    if (!failure) return { method, archivePath, keptAside: [], ms: Date.now() - started };
    if (!fallback) throw new Error(failure);
    target.log.warning(`${failure}: re-cloning instead`);
  }
  const keptAside = await runReclone(target, sourceConninfo, remaining(), configCopies);
  target.log.info(`re-cloned from the primary; ${keptAside.map(describeKept).join('; ')}`);
  return { method: 'reclone', archivePath, keptAside, ms: Date.now() - started };
}
