import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AgentChoice } from '../../src/lab/cib-commands.js';
import { clusterView, crmMonText, waitForCluster, waitForStreaming } from '../../src/lab/cluster-watch.js';
import { isHealthy, standbysPromotable, type ClusterView } from '../../src/lab/cluster-view.js';
import { clearPacketFilters, restoreNodeNetwork } from '../../src/lab/faults.js';
import { labDown } from '../../src/lab/lab-down.js';
import { labUp } from '../../src/lab/lab-up.js';
import { labNodes, labPowerOn, labPowerStatus } from '../../src/lab/power.js';
import { cleanupResource } from '../../src/lab/rebuild.js';
import { nodeLinkUp } from '../../src/lab/network.js';
import { findLabNode } from '../../src/lab/state.js';
import { rowsOnNode, sqlOnNode } from '../../src/lab/cluster-ops.js';
import { missingAcknowledged, type WriteEvent } from '../../src/lab/writer.js';
import { RESOURCE } from '../../src/lab/cib-commands.js';
import { runInNode, runInNodeChecked } from '../../src/lab/node-exec.js';
import { InvariantMonitor } from '../../src/lab/invariant-monitor.js';
import { describeViolation, type Violation } from '../../src/lab/invariants.js';
import { errorMessage } from '../../src/common/text.js';

/**
 * One lab for every cluster scenario of a test file: brought up once in
 * `before`, torn down in `after` (also when a scenario failed). Agent from
 * PGHA_LAB_AGENT (pgha by default); the source tree is built and installed first.
 */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const LAB_AGENT: AgentChoice = process.env.PGHA_LAB_AGENT === 'paf' ? 'paf' : 'pgha';
export const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 23)} ${line}\n`);

/** The invariant monitor of the lab that bringLabUp brought up: it watches every test of the file. */
let monitor: InvariantMonitor | undefined;

export async function bringLabUp(nodes = 3, agent: AgentChoice = LAB_AGENT): Promise<void> {
  await stopLabMonitor();
  await labDown(log);
  await labUp({ nodes, agent, buildRoot: REPO_ROOT, log });
  monitor = await InvariantMonitor.start();
}

export function labMonitor(): InvariantMonitor {
  if (!monitor) throw new Error('no invariant monitor: the lab was not brought up by bringLabUp');
  return monitor;
}

/** Throws with every violation the monitor saw at or after `since`. */
export function assertNoViolations(since = 0): void {
  const found = labMonitor().violations(since);
  if (found.length > 0) throw new Error(violationReport(found));
}

/** The monitor's tokens acknowledged (on any node) since `from` that `primary` lacks. */
export async function missingMonitorTokens(primary: string, from: number): Promise<WriteEvent[]> {
  const tokens = labMonitor().tokens(from);
  if (tokens.length === 0) return [];
  const numbers = tokens.map((t) => t.n);
  return missingAcknowledged(tokens, await rowsOnNode(primary, Math.min(...numbers), Math.max(...numbers)));
}

const violationReport = (found: readonly Violation[]) => `the invariant monitor saw ${found.length} violation(s):\n  ${found.slice(0, 20).map(describeViolation).join('\n  ')}`;

/** Stops the file's monitor and throws if it saw any violation since the lab came up. */
export async function stopLabMonitor(): Promise<void> {
  const m = monitor;
  monitor = undefined;
  if (!m) return;
  const found = await m.stop();
  log(`invariant monitor: ${m.summary()}; ${found.length} violation(s)`);
  if (found.length > 0) throw new Error(violationReport(found));
}

/** Runs the built CLI (dist/pgha.cjs, built by bringLabUp) inside a lab node. */
export const pghaInNode = (node: string, args: string[], timeoutMs = 180_000) =>
  runInNode(node, [process.execPath, join(REPO_ROOT, 'dist', 'pgha.cjs'), ...args], { timeoutMs });

/**
 * Stops the monitor, tears the lab down (unless PGHA_LAB_KEEP=1, to read node logs after a
 * failure; the next bringLabUp removes it), and fails if the monitor saw a violation.
 */
export async function bringLabDown(): Promise<void> {
  try {
    await stopLabMonitor();
  } finally {
    if (process.env.PGHA_LAB_KEEP === '1') log('PGHA_LAB_KEEP=1: leaving the lab up (pgha lab down removes it)');
    else await labDown(log);
  }
}

/** Waits until one primary holds the VIP and every node is a healthy standby; returns the primary. */
export async function waitHealthy(timeoutMs: number, expectedPrimary?: string): Promise<ClusterView> {
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
 * How long a cluster may take to heal by itself after a fault: a fenced node
 * boots, joins, rejoins (rewind or re-clone, per `rejoin`) and streams, and
 * every standby is promotable again.
 */
export const HEAL_MS = 150_000;

/**
 * Before the next scenario: what the last fault left cut is restored (network,
 * replication, partition) and fenced nodes are booted untouched, as a reboot would. The
 * cluster must then heal by itself within `timeoutMs`: one primary with the
 * VIP, every other node a promotable standby streaming from it. Nothing is
 * rebuilt: a node that does not rejoin fails the test that left it so. Once
 * healthy, failed operations are cleared from the history, so the next
 * scenario starts from none.
 */
export async function restoreHealthy(timeoutMs = HEAL_MS): Promise<ClusterView> {
  for (const node of await labNodes()) {
    if (!(await nodeLinkUp(await findLabNode(node)))) await restoreNodeNetwork(node);
    if ((await labPowerStatus(node)) === 'off') {
      log(`${node} is off: booting it, untouched`);
      await labPowerOn(node);
    }
    await clearPacketFilters(node);
  }
  const healed = await waitHealthy(timeoutMs).catch(async (error: unknown) => {
    throw new Error(`the cluster did not heal by itself within ${timeoutMs / 1000}s: ${errorMessage(error)}\n${await crmMonText()}`);
  });
  if (healed.failures.length === 0) return healed;
  log(`healthy; clearing the failed operations ${JSON.stringify(healed.failures)}`);
  for (const node of await labNodes()) await cleanupResource(node);
  return waitHealthy(60_000);
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
  const status = await clusterView();
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
