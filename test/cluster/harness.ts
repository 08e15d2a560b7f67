import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AgentChoice } from '../../src/lab/cib-commands.js';
import { clusterStatus, waitForCluster, waitForStreaming } from '../../src/lab/cluster-query.js';
import { isHealthy, standbysPromotable, type ClusterStatus } from '../../src/lab/cluster-status.js';
import { blockReplication, restoreNodeNetwork } from '../../src/lab/faults.js';
import { labDown } from '../../src/lab/lab-down.js';
import { labUp } from '../../src/lab/lab-up.js';
import { labNodes, labPowerOff, labPowerStatus } from '../../src/lab/power.js';
import { cleanupResource, rebuildStandby } from '../../src/lab/rebuild.js';
import { nodeLinkUp } from '../../src/lab/network.js';
import { findLabNode } from '../../src/lab/state.js';
import { sqlOnNode } from '../../src/lab/cluster-ops.js';
import { RESOURCE } from '../../src/lab/cib-commands.js';
import { runInNode, runInNodeChecked } from '../../src/lab/node-exec.js';

/**
 * One lab for every cluster scenario of a test file: brought up once in
 * `before`, torn down in `after` (also when a scenario failed). Agent from
 * PGHA_LAB_AGENT (pgha by default); the source tree is built and installed first.
 */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const LAB_AGENT: AgentChoice = process.env.PGHA_LAB_AGENT === 'paf' ? 'paf' : 'pgha';
export const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 23)} ${line}\n`);

export async function bringLabUp(nodes = 3): Promise<void> {
  await labDown(log);
  await labUp({ nodes, agent: LAB_AGENT, buildRoot: REPO_ROOT, log });
}

/** Runs the built CLI (dist/pgha.cjs, built by bringLabUp) inside a lab node. */
export const pghaInNode = (node: string, args: string[], timeoutMs = 180_000) =>
  runInNode(node, [process.execPath, join(REPO_ROOT, 'dist', 'pgha.cjs'), ...args], { timeoutMs });

/** Tears the lab down, unless PGHA_LAB_KEEP=1 (to read node logs after a failure; the next bringLabUp removes it). */
export async function bringLabDown(): Promise<void> {
  if (process.env.PGHA_LAB_KEEP === '1') {
    log('PGHA_LAB_KEEP=1: leaving the lab up (pgha lab down removes it)');
    return;
  }
  await labDown(log);
}

/** Waits until one primary holds the VIP and every node is a healthy standby; returns the primary. */
export async function waitHealthy(timeoutMs: number, expectedPrimary?: string): Promise<ClusterStatus> {
  const nodes = await labNodes();
  const end = Date.now() + timeoutMs;
  const status = await waitForCluster(`a healthy cluster${expectedPrimary ? ` with ${expectedPrimary} primary` : ''}, standbys promotable`, timeoutMs, (s) =>
    isHealthy(s, nodes, expectedPrimary) && standbysPromotable(s),
  );
  // Healthy standbys stream from the primary (Pacemaker's view alone does not say so).
  await waitForStreaming(status.promoted[0]!, nodes, Math.max(5_000, end - Date.now()));
  return status;
}

export async function currentPrimary(): Promise<string> {
  const status = await waitHealthy(60_000);
  return status.promoted[0]!;
}

/**
 * After a scenario: network back, fenced nodes re-cloned as standbys and
 * booted, fail counts cleared, until the cluster is healthy again.
 */
export async function restoreHealthy(timeoutMs = 150_000): Promise<ClusterStatus> {
  for (const node of await labNodes()) {
    if (!(await nodeLinkUp(await findLabNode(node)))) await restoreNodeNetwork(node);
  }
  for (const node of await labNodes()) {
    if ((await labPowerStatus(node)) === 'off') await rebuildStandby(node, log);
    else await blockReplication(node, false);
  }
  const status = await clusterStatus();
  if (status && isHealthy(status, await labNodes()) && standbysPromotable(status) && status.failures.length === 0) return status;
  for (const node of await labNodes()) await cleanupResource(node).catch(() => undefined);
  log(`restoring health from ${JSON.stringify(status)}`);
  try {
    return await waitHealthy(45_000);
  } catch {
    // A node the agent will not run (e.g. a crashed ex-primary that diverged) is re-cloned, as an operator would.
    const now = await clusterStatus();
    for (const node of await labNodes()) {
      if (now && (now.promoted.includes(node) || now.unpromoted.includes(node))) continue;
      log(`${node} does not run the clone: powering it off and rebuilding it`);
      await labPowerOff(node);
      await rebuildStandby(node, log);
    }
    return waitHealthy(timeoutMs);
  }
}

/** A row range no earlier run used: rows accumulate in one table across scenarios. */
export const freshFirstRow = () => Date.now() * 1000;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A random fault moment so detection samples every phase of the monitor interval. */
export const randomDelay = (maxMs: number) => sleep(Math.floor(Math.random() * maxMs));

/** Polls `probe` until it holds (a probe that throws counts as not yet), or throws after `timeoutMs`. */
export async function waitFor(what: string, timeoutMs: number, probe: () => Promise<boolean>, intervalMs = 250): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await probe().catch(() => false)) return;
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
}

/** Where to change the configuration from: the primary's node, or any online one (a test may be mending a broken cluster). */
async function configurationNode(): Promise<string> {
  const status = await clusterStatus();
  return status?.promoted[0] ?? status?.online[0] ?? (await labNodes())[0]!;
}

/** Agent parameters changed on the live resource. */
export async function updateResource(params: Record<string, string>): Promise<void> {
  await runInNodeChecked(await configurationNode(), ['pcs', 'resource', 'update', RESOURCE, ...Object.entries(params).map(([k, v]) => `${k}=${v}`)], { timeoutMs: 60_000 });
}

/** Sets on-fail of one operation of the clone by its id (pcs names them <resource>-<action>-interval-<interval>). */
export async function setOperationOnFail(operationId: string, onFail: string): Promise<void> {
  await runInNodeChecked(await configurationNode(), ['cibadmin', '--modify', '--xml-text', `<op id="${operationId}" on-fail="${onFail}"/>`], { timeoutMs: 30_000 });
}

/** sync_mode and sync_count on the live resource: reloadable, so no instance restarts. */
export async function setSyncMode(mode: string, count: number): Promise<void> {
  await updateResource({ sync_mode: mode, sync_count: String(count) });
  // The primary's next monitor (3 s) applies it: a synchronous set, or none with off.
  const applied = (names: string) => (mode === 'off' ? names === '' : names.startsWith(`ANY ${count} `));
  const end = Date.now() + 30_000;
  while (Date.now() < end) {
    if (applied((await sqlOnNode(await currentPrimary(), 'SHOW synchronous_standby_names')).trim())) return;
    await sleep(500);
  }
  throw new Error(`sync_mode=${mode} sync_count=${count} was never applied to synchronous_standby_names`);
}
