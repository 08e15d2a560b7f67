import { Deadline, pollUntil, sleep } from '../../exec/deadline.js';
import { run } from '../../exec/run.js';
import { localNodeName } from '../../pacemaker/attributes.js';
import { readCrmMon } from '../../pacemaker/cluster-tools.js';
import { parseCrmMon, type CrmMon, type MonFenceEvent } from '../../pacemaker/crm-mon.js';
import { formatSeconds } from '../verify/duration.js';

export interface DrillSettings {
  node: string;
  fenceTimeoutS: number;
  onlineTimeoutS: number;
  pgTimeoutS: number;
}

export interface DrillResult {
  node: string;
  /** From the request to the fencing confirmed (fence history, else stonith_admin's return). */
  fencedMs: number;
  fencedSource: 'fence history' | 'stonith_admin return';
  /** From the request to the node online again in crm_mon; undefined if it did not come back in time. */
  onlineMs?: number;
  /** From the request to the pgha PostgreSQL instance active on the node again. */
  postgresMs?: number;
  postgresNote?: string;
  /** The node came back, and so did its PostgreSQL if the cluster runs pgha. */
  recovered: boolean;
}

export class DrillFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DrillFailed';
  }
}

const PGHA_AGENT = /^ocf:+pgha:/;

const pghaInstances = (mon: CrmMon) => [...mon.clones.flatMap((c) => c.instances), ...mon.primitives].filter((r) => PGHA_AGENT.test(r.agent));

/** Whether a pgha PostgreSQL instance runs on `node` (any role). */
export const postgresActiveOn = (mon: CrmMon, node: string): boolean =>
  pghaInstances(mon).some((r) => r.active && r.nodes.includes(node) && r.role !== 'Stopped');

export const isOnline = (mon: CrmMon, node: string): boolean => mon.nodes.some((n) => n.name === node && n.online);

/** Polls the cluster status until `check` holds; a status that cannot be read (a DC election during the reboot) counts as not yet. */
const whenCluster = (timeoutS: number, check: (mon: CrmMon) => boolean) =>
  pollUntil(Deadline.after(timeoutS * 1000), 1_000, async () => ((await readCrmMon(run).then(check, () => false)) ? Date.now() : undefined));

/**
 * When fencing `node` was confirmed, as ms after `startedAt`: the newest
 * success in its fence history since the request, never later than
 * stonith_admin's own return (`returnedMs`; history times have one-second
 * resolution); stonith_admin's return when the history has none.
 */
export function fencingConfirmedMs(history: readonly MonFenceEvent[], node: string, startedAt: number, returnedMs: number): { ms: number; source: DrillResult['fencedSource'] } {
  const completions = history
    .filter((e) => e.target === node && e.status === 'success')
    .map((e) => Date.parse(e.completed ?? ''))
    .filter((at) => Number.isFinite(at) && at >= startedAt - 1_000);
  if (completions.length === 0) return { ms: returnedMs, source: 'stonith_admin return' };
  return { ms: Math.min(Math.max(0, Math.max(...completions) - startedAt), returnedMs), source: 'fence history' };
}

/**
 * Fences NODE through Pacemaker (stonith_admin --reboot) and times the
 * recovery: fencing confirmed, node back online, PostgreSQL back on it.
 */
export async function runFenceDrill(settings: DrillSettings, progress: (line: string) => void): Promise<DrillResult> {
  const { node } = settings;
  if ((await localNodeName()) === node) throw new DrillFailed(`${node} is the node this runs on: run the drill from another node, which can time its recovery`);
  const before = await readCrmMon(run);
  if (!before.nodes.some((n) => n.name === node)) throw new DrillFailed(`${node} is not a cluster node (nodes: ${before.nodes.map((n) => n.name).join(', ')})`);
  if (!isOnline(before, node)) throw new DrillFailed(`${node} is already offline: nothing to measure`);
  const hadPostgres = pghaInstances(before).length > 0;

  progress(`fencing ${node} (stonith_admin --reboot, timeout ${settings.fenceTimeoutS}s)...`);
  const startedAt = Date.now();
  const fence = await run('stonith_admin', ['--reboot', node, '--timeout', String(settings.fenceTimeoutS)], { timeoutMs: (settings.fenceTimeoutS + 15) * 1000 });
  const returnedAt = Date.now();
  if (fence.exitCode !== 0) throw new DrillFailed(`fencing ${node} failed after ${formatSeconds(returnedAt - startedAt)}: ${fence.stderr.trim() || fence.stdout.trim() || `exit ${fence.exitCode}`}`);

  // Without --verbose, stonith_admin keeps one event per target and action, not always the newest (Pacemaker 2.1).
  const history = await run('stonith_admin', ['--history', node, '--verbose', '--output-as=xml'], { timeoutMs: 10_000 });
  const events = history.exitCode === 0 ? (await parseCrmMon(history.stdout).catch(() => undefined))?.fenceHistory ?? [] : [];
  const fenced = fencingConfirmedMs(events, node, startedAt, returnedAt - startedAt);
  const result: DrillResult = { node, fencedMs: fenced.ms, fencedSource: fenced.source, recovered: false };
  progress(`${node} fenced after ${formatSeconds(fenced.ms)}`);

  // The controller records the node down a moment after stonith_admin returns: its last status is no rejoin.
  await sleep(1_000);
  const online = await whenCluster(settings.onlineTimeoutS, (mon) => isOnline(mon, node));
  if (online === undefined) {
    progress(`${node} not back online within ${settings.onlineTimeoutS}s`);
    return { ...result, postgresNote: 'not measured: the node did not come back' };
  }
  result.onlineMs = online - startedAt;
  progress(`${node} online again after ${formatSeconds(result.onlineMs)}`);

  if (!hadPostgres) return { ...result, recovered: true, postgresNote: 'skipped: no ocf:pgha resource in the cluster' };
  const pgBack = await whenCluster(settings.pgTimeoutS, (mon) => postgresActiveOn(mon, node));
  if (pgBack === undefined) return { ...result, postgresNote: `PostgreSQL not active on ${node} within ${settings.pgTimeoutS}s` };
  result.postgresMs = pgBack - startedAt;
  result.recovered = true;
  progress(`PostgreSQL active on ${node} again after ${formatSeconds(result.postgresMs)}`);
  return result;
}

export function formatDrill(r: DrillResult): string {
  const row = (label: string, ms: number | undefined, note = '') => `  ${label.padEnd(28)}${ms === undefined ? '-' : formatSeconds(ms)}${note ? `  (${note})` : ''}`;
  return [
    `fence drill of ${r.node}:`,
    row('fenced (confirmed off)', r.fencedMs, r.fencedSource),
    row('node online again', r.onlineMs),
    row('PostgreSQL active again', r.postgresMs, r.postgresNote),
    '',
  ].join('\n');
}
