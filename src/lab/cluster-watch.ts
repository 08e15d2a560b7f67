import { Deadline, pollUntil } from '../exec/deadline.js';
import { CLONE, VIP_RESOURCE } from './cib-commands.js';
import { parseCrmMonXml, type ClusterView } from './cluster-view.js';
import { runInNode } from './node-exec.js';
import { streamingStandbys } from './cluster-ops.js';
import { labPowerStatus } from './power.js';
import { requireLabState } from './state.js';

/** Asking a running lab node's pacemaker for the cluster status. */
export async function clusterViewFrom(node: string): Promise<ClusterView | undefined> {
  const result = await runInNode(node, ['crm_mon', '-1', '-A', '--output-as=xml'], { timeoutMs: 10_000 });
  if (result.exitCode !== 0 || !result.stdout.includes('<pacemaker-result')) return undefined;
  return parseCrmMonXml(result.stdout, CLONE, VIP_RESOURCE);
}

/** The status as seen by the first powered-on node (or `from`) that answers; undefined if none does. */
export async function clusterView(from?: string): Promise<ClusterView | undefined> {
  const names = from ? [from] : (await requireLabState()).nodes.map((n) => n.name);
  for (const name of names) {
    if ((await labPowerStatus(name)) !== 'on') continue;
    const status = await clusterViewFrom(name).catch(() => undefined);
    if (status) return status;
  }
  return undefined;
}

/** Polls the status until `accept` says yes; throws with the last status when `timeoutMs` passes. */
export async function waitForCluster(
  what: string,
  timeoutMs: number,
  accept: (status: ClusterView) => boolean,
  from?: string,
): Promise<ClusterView> {
  let last: ClusterView | undefined;
  const found = await pollUntil(Deadline.after(timeoutMs), 500, async () => {
    last = await clusterView(from);
    return last && accept(last) ? last : undefined;
  });
  if (!found) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}; last status: ${JSON.stringify(last)}`);
  return found;
}

/** Waits until a node other than `old` is the only primary and holds the VIP; returns it. */
export async function waitForNewPrimary(old: string, timeoutMs = 90_000): Promise<string> {
  const status = await waitForCluster('a new primary with the VIP', timeoutMs, (s) => s.promoted.length === 1 && s.promoted[0] !== old && s.vip[0] === s.promoted[0]);
  return status.promoted[0]!;
}

/** Waits until a powered-off `node` is lost to the cluster, then fenced (offline, no longer unclean). */
export async function waitFenced(node: string): Promise<void> {
  await waitForCluster(`${node} lost`, 30_000, (s) => !s.online.includes(node));
  await waitForCluster(`${node} fenced`, 60_000, (s) => !s.online.includes(node) && !s.unclean.includes(node));
}

/** Waits until every other node streams from `primary` (its pg_stat_replication). */
export async function waitForStreaming(primary: string, nodes: readonly string[], timeoutMs: number): Promise<void> {
  const expected = nodes.filter((n) => n !== primary);
  let seen: string[] = [];
  const ok = await pollUntil(Deadline.after(timeoutMs), 250, async () => {
    seen = await streamingStandbys(primary).catch(() => []);
    return expected.every((n) => seen.includes(n)) ? true : undefined;
  });
  if (!ok) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${expected.join(', ')} to stream from ${primary} (streaming: ${seen.join(', ') || 'none'})`);
}

/** crm_mon -1 text from a running node, for people. */
export async function crmMonText(from?: string): Promise<string> {
  const names = from ? [from] : (await requireLabState()).nodes.map((n) => n.name);
  for (const name of names) {
    if ((await labPowerStatus(name)) !== 'on') continue;
    const result = await runInNode(name, ['crm_mon', '-1', '-r', '-f'], { timeoutMs: 10_000 }).catch(() => undefined);
    if (result && result.exitCode === 0) return `(as seen from ${name})\n${result.stdout}`;
  }
  return 'no lab node answers';
}
