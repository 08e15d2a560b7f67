import { Deadline, pollUntil } from '../../exec/deadline.js';
import { run } from '../../exec/run.js';
import { formatSeconds } from '../verify/duration.js';
import { parseFenceHistory, parseNodesOnline, parseResourceInstances } from './cluster-status.js';

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
}

export class DrillFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DrillFailed';
  }
}

const PGHA_AGENT = /^ocf:+pgha:/;

async function crmMonXml(): Promise<string> {
  const r = await run('crm_mon', ['--one-shot', '--output-as=xml'], { timeoutMs: 10_000 });
  if (r.exitCode !== 0) throw new DrillFailed(`crm_mon failed: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
  return r.stdout;
}

/**
 * Fences NODE through Pacemaker (stonith_admin --reboot) and times the
 * recovery: fencing confirmed, node back online, PostgreSQL back on it.
 */
export async function runFenceDrill(settings: DrillSettings, progress: (line: string) => void): Promise<DrillResult> {
  const { node } = settings;
  const before = await parseNodesOnline(await crmMonXml());
  if (!before.has(node)) throw new DrillFailed(`${node} is not a cluster node (nodes: ${[...before.keys()].join(', ')})`);
  if (!before.get(node)) throw new DrillFailed(`${node} is already offline: nothing to measure`);
  const hadPostgres = (await parseResourceInstances(await crmMonXml())).some((r) => PGHA_AGENT.test(r.agent));

  progress(`fencing ${node} (stonith_admin --reboot, timeout ${settings.fenceTimeoutS}s)...`);
  const startedAt = Date.now();
  const fence = await run('stonith_admin', ['--reboot', node, '--timeout', String(settings.fenceTimeoutS)], { timeoutMs: (settings.fenceTimeoutS + 15) * 1000 });
  const returnedAt = Date.now();
  if (fence.exitCode !== 0) throw new DrillFailed(`fencing ${node} failed after ${formatSeconds(returnedAt - startedAt)}: ${fence.stderr.trim() || fence.stdout.trim() || `exit ${fence.exitCode}`}`);

  const history = await run('stonith_admin', ['--history', node, '--output-as=xml'], { timeoutMs: 10_000 });
  const event = history.exitCode === 0
    ? (await parseFenceHistory(history.stdout))
        .filter((e) => e.target === node && e.status === 'success' && e.completedMs !== undefined && e.completedMs >= startedAt - 1_000)
        .sort((a, b) => b.completedMs! - a.completedMs!)[0]
    : undefined;
  // History timestamps have one-second resolution: never report later than stonith_admin's own return.
  const fencedMs = event ? Math.min(Math.max(0, event.completedMs! - startedAt), returnedAt - startedAt) : returnedAt - startedAt;
  const result: DrillResult = { node, fencedMs, fencedSource: event ? 'fence history' : 'stonith_admin return' };
  progress(`${node} fenced after ${formatSeconds(fencedMs)}`);

  const online = await pollUntil(Deadline.after(settings.onlineTimeoutS * 1000), 1_000, async () => ((await parseNodesOnline(await crmMonXml())).get(node) ? Date.now() : undefined));
  if (online === undefined) {
    progress(`${node} not back online within ${settings.onlineTimeoutS}s`);
    return { ...result, postgresNote: 'not measured: the node did not come back' };
  }
  result.onlineMs = online - startedAt;
  progress(`${node} online again after ${formatSeconds(result.onlineMs)}`);

  if (!hadPostgres) return { ...result, postgresNote: 'skipped: no ocf:pgha resource in the cluster' };
  const pgBack = await pollUntil(Deadline.after(settings.pgTimeoutS * 1000), 1_000, async () => {
    const instances = (await parseResourceInstances(await crmMonXml())).filter((r) => PGHA_AGENT.test(r.agent));
    return instances.some((r) => r.active && r.nodes.includes(node) && r.role !== 'Stopped') ? Date.now() : undefined;
  });
  if (pgBack === undefined) return { ...result, postgresNote: `PostgreSQL not active on ${node} within ${settings.pgTimeoutS}s` };
  result.postgresMs = pgBack - startedAt;
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
