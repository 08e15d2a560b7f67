/**
 * One fault under write load on a running lab, measured the same way for
 * every benchmark: write unavailability (fault to writes flowing again
 * through the VIP), the part of it after the failure was detected, and
 * acknowledged rows lost.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ACTIONS } from '../src/agent/metadata.js';
import { clearMove, movePromoted, rowsOnNode } from '../src/lab/cluster-ops.js';
import { runInNodeChecked } from '../src/lab/node-exec.js';
import { clusterView, waitFenced, waitForCluster } from '../src/lab/cluster-watch.js';
import { killPostmaster } from '../src/lab/faults.js';
import { labNodes, labPowerOff, labPowerOn, labPowerStatus } from '../src/lab/power.js';
import { rebuildStandby } from '../src/lab/rebuild.js';
import { LabWriter, missingAcknowledged, type WriteEvent } from '../src/lab/writer.js';
import { MONITOR_INTERVALS, RESOURCE, type AgentChoice } from '../src/lab/cib-commands.js';
import { assertNoViolations, currentPrimary, freshFirstRow, log, missingMonitorTokens, restoreHealthy, sleep } from '../test/cluster/harness.js';
import { AGENT_SHARE_PHASES, agentShareSteps, FAILED_MONITOR, firstLogEvent, mergedLogLines, NODE_LOST, recoverySteps, recoveryTimeline, TRANSITION_CALCULATED, VIP_STARTED } from './log-events.js';
import { median } from './report.js';

export const SCENARIOS = {
  'kill-primary': { title: 'kill -9 of the primary postmaster', detection: FAILED_MONITOR },
  'node-crash': { title: 'primary node crash (fenced)', detection: NODE_LOST },
  switchover: { title: 'planned switchover', detection: undefined },
  // Issue 15: the same crash with the DC chosen, and with the crashed node back at once or later.
  'node-crash-dc': { title: 'primary node crash, the primary was the DC', detection: NODE_LOST },
  'node-crash-other-dc': { title: 'primary node crash, another node was the DC', detection: NODE_LOST },
  'fast-reboot': { title: 'primary node crash, back as soon as fenced', detection: NODE_LOST },
  'reboot-20s': { title: 'primary node crash, back 20 s after it', detection: NODE_LOST },
} as const;
export type Scenario = keyof typeof SCENARIOS;

/** The scenarios that power the primary's node off. */
const isNodeCrash = (scenario: Scenario) => SCENARIOS[scenario].detection === NODE_LOST;

/**
 * The operation intervals a run uses. `recommended`: each agent's own (pgha's
 * meta-data with on-fail=demote; PAF's quick start). `paf-quickstart`: PAF's
 * quick start for both (Promoted 15 s, Unpromoted 16 s, Pacemaker's default
 * recovery), as a DBA coming from PAF has it.
 */
export type IntervalProfile = 'recommended' | 'paf-quickstart';

/** Puts pgha's lab resource on PAF's quick-start operations (the ids are pcs's, from the lab's intervals). */
export async function usePafIntervals(): Promise<void> {
  const id = (action: string, interval: string) => `${RESOURCE}-${action}-interval-${interval}`;
  const ops = [
    `<op id="${id('monitor', MONITOR_INTERVALS.pgha.promotedMonitor)}" interval="${MONITOR_INTERVALS.paf.promotedMonitor}" on-fail="restart"/>`,
    `<op id="${id('monitor', MONITOR_INTERVALS.pgha.unpromotedMonitor)}" interval="${MONITOR_INTERVALS.paf.unpromotedMonitor}"/>`,
    `<op id="${id('demote', '0s')}" on-fail="restart"/>`,
  ];
  const [node] = await labNodes();
  for (const xml of ops) await runInNodeChecked(node!, ['cibadmin', '--modify', '--xml-text', xml], { timeoutMs: 30_000 });
}

/** Makes `wanted` (the DC, or any other node) the primary before a crash, by a switchover. */
async function arrangePrimary(scenario: Scenario, primary: string): Promise<string> {
  if (scenario !== 'node-crash-dc' && scenario !== 'node-crash-other-dc') return primary;
  const dc = (await clusterView())?.dc;
  if (!dc) throw new Error('no DC');
  const wanted = scenario === 'node-crash-dc' ? dc : (await labNodes()).find((n) => n !== dc)!;
  if ((scenario === 'node-crash-dc') === (primary === dc)) return primary;
  await movePromoted(wanted, wanted);
  await waitForCluster(`${wanted} primary with the VIP`, 60_000, (st) => st.promoted[0] === wanted && st.vip[0] === wanted);
  await clearMove(wanted);
  await restoreHealthy();
  return wanted;
}

/** After the power-off: the node boots again as soon as it is fenced, or 20 s after the crash. */
async function bootAgain(scenario: Scenario, node: string, crashedAt: number): Promise<void> {
  if (scenario === 'fast-reboot') {
    await waitFenced(node);
  } else if (scenario === 'reboot-20s') await sleep(Math.max(0, crashedAt + 20_000 - Date.now()));
  else return;
  await labPowerOn(node);
}

export interface Run {
  totalMs: number;
  afterDetectionMs: number | undefined;
  lost: number;
  events: WriteEvent[];
  faultAt: number;
  /** The crashed node was Pacemaker's DC: the survivors elect a new one before anything else. */
  dcLost: boolean;
  /** Node crash: from detection to the VIP started on the new primary in the Pacemaker log, free of the client's reconnection. */
  detectionToVipMs: number | undefined;
  /** Node crash: from detection to the first transition calculated (Pacemaker alone: DC election, scheduler). */
  detectionToTransitionMs: number | undefined;
  /** Node crash: from that transition to the VIP started (fencing, the agent's notifications and promote, the VIP's start). */
  transitionToVipMs: number | undefined;
  /** Node crash: when each step of the agent's share began, in ms after detection (bench/log-events.ts AGENT_SHARE_STEPS). */
  agentSteps: ReturnType<typeof agentShareSteps>;
}

/** Where each node crash's Pacemaker log excerpt is kept: the lab, and its logs, go at the end of the run. */
const BENCH_LOG_DIR = process.env.PGHA_BENCH_LOGS ?? '/var/tmp/pgha-bench';

/** A pause between acknowledged writes longer than this counts as an outage (the writer acknowledges every ~20 ms). */
export const OUTAGE_GAP_MS = 1_000;

/**
 * When writes came back for good: the end of the last pause between
 * acknowledged writes longer than OUTAGE_GAP_MS after the fault. Recoveries
 * may let writes through for a moment and stop them again (PAF restarts a
 * crashed primary as a primary, then demotes and re-promotes it): the outage
 * runs from the fault to the end of the last such pause.
 */
function recovery(events: readonly WriteEvent[], faultAt: number): { ms: number; recoveredAt: number } {
  const oks = events.filter((e) => e.ok).map((e) => e.end).sort((a, b) => a - b);
  // At least until the first write acknowledged after the fault's first failure: an outage
  // shorter than OUTAGE_GAP_MS is still an outage.
  const firstFailure = events.filter((e) => !e.ok && e.end >= faultAt).sort((a, b) => a.end - b.end)[0];
  let recoveredAt = (firstFailure && oks.find((t) => t > firstFailure.end)) ?? faultAt;
  for (let i = 1; i < oks.length; i++) {
    if (oks[i]! > faultAt && oks[i]! - Math.max(oks[i - 1]!, faultAt) > OUTAGE_GAP_MS) recoveredAt = Math.max(recoveredAt, oks[i]!);
  }
  return { ms: recoveredAt - faultAt, recoveredAt };
}

export const promotedIntervalMs = (agent: AgentChoice, profile: IntervalProfile = 'recommended') =>
  agent === 'pgha' && profile === 'recommended'
    ? Number.parseInt(ACTIONS.find((a) => a.role === 'Promoted')!.interval!, 10) * 1000
    : Number.parseInt(MONITOR_INTERVALS.paf.promotedMonitor, 10) * 1000;

export async function runFault(agent: AgentChoice, scenario: Scenario, label: string = agent, profile: IntervalProfile = 'recommended'): Promise<Run> {
  await restoreHealthy();
  const primary = await arrangePrimary(scenario, await currentPrimary());
  const others = (await labNodes()).filter((n) => n !== primary);
  const first = freshFirstRow();
  const startedAt = Date.now();
  const writer = LabWriter.start({ first });
  try {
    await writer.waitForSuccesses(20, 30_000);
    await sleep(Math.floor(Math.random() * promotedIntervalMs(agent, profile)));
    const dcLost = isNodeCrash(scenario) && (await clusterView())?.dc === primary;
    const faultAt = Date.now();
    let bootedAgain: Promise<void> = Promise.resolve();
    if (scenario === 'kill-primary') await killPostmaster(primary);
    else if (isNodeCrash(scenario)) {
      await labPowerOff(primary);
      bootedAgain = bootAgain(scenario, primary, faultAt);
    } else await movePromoted(others[0]!, others[0]!);
    // Writes may go on for a while before the outage starts (a switchover's demote begins when
    // Pacemaker gets to it): count the writes that end it only once one has failed.
    if (!(await writer.waitForFailure(60_000))) throw new Error(`${scenario}: no write failed within 60 s of the fault`);
    await writer.waitForSuccesses(20, 120_000);
    await bootedAgain;
    await sleep(2_000);
    const events = await writer.stop();
    if (scenario === 'switchover') await clearMove(others[0]!);
    const { ms, recoveredAt } = recovery(events, faultAt);
    const pattern = SCENARIOS[scenario].detection;
    const detectedAt = pattern ? await firstLogEvent(isNodeCrash(scenario) ? others : [primary, ...others], pattern, faultAt) : faultAt;
    // The crashed node may still be off or rejoining: the cluster is not fully healthy yet, only primary again.
    const after = (await waitForCluster('a primary holding the VIP', 60_000, (st) => st.promoted.length === 1 && st.vip[0] === st.promoted[0])).promoted[0]!;
    const lost = missingAcknowledged(events, await rowsOnNode(after, first)).length + (await missingMonitorTokens(after, startedAt)).length;
    assertNoViolations(startedAt);
    const vipAt = isNodeCrash(scenario) && detectedAt !== undefined ? await firstLogEvent(others, VIP_STARTED, detectedAt) : undefined;
    const transitionAt = vipAt === undefined ? undefined : await firstLogEvent(others, TRANSITION_CALCULATED, detectedAt!);
    const between = (from: number | undefined, to: number | undefined) => (from === undefined || to === undefined ? undefined : to - from);
    const result: Run = {
      totalMs: ms,
      afterDetectionMs: between(detectedAt, recoveredAt),
      lost,
      events,
      faultAt,
      dcLost,
      detectionToVipMs: between(detectedAt, vipAt),
      detectionToTransitionMs: between(detectedAt, transitionAt),
      transitionToVipMs: between(transitionAt, vipAt),
      agentSteps: {},
    };
    const { detectionToVipMs } = result;
    log(
      `${label} ${scenario}: outage ${ms} ms, after detection ${result.afterDetectionMs} ms${detectionToVipMs === undefined ? '' : ` (VIP started ${detectionToVipMs} ms after)`}, ${lost} lost, primary ${primary} -> ${after}${dcLost ? ' (it was the DC)' : ''}`,
    );
    if (isNodeCrash(scenario) && detectedAt !== undefined) {
      const lines = await mergedLogLines(others, detectedAt, (vipAt ?? detectedAt + 30_000) + 500);
      const file = join(BENCH_LOG_DIR, `${new Date(faultAt).toISOString().replace(/[:.]/g, '')}-${label}-${scenario}.log`);
      await mkdir(BENCH_LOG_DIR, { recursive: true });
      await writeFile(file, `${lines.join('\n')}\n`);
      const steps = recoverySteps(lines, detectedAt);
      result.agentSteps = agentShareSteps(steps);
      log(`  from detection: ${recoveryTimeline(steps)} (survivors' log: ${file})`);
    }
    // A crashed primary PAF recovered in place (rebooted before the failover) needs nothing.
    if (agent === 'paf' && isNodeCrash(scenario) && after !== primary) await rebuildAsPafDocumentsIt(primary);
    return result;
  } finally {
    await writer.stop();
  }
}

/**
 * PAF does not take back a crashed primary: its probe reports a failed primary, the demote
 * fails and the node is fenced again. Its documentation has the DBA rebuild it; so does the
 * benchmark, between runs and outside every figure. pgha's crashed primaries rejoin by themselves.
 */
async function rebuildAsPafDocumentsIt(node: string): Promise<void> {
  // Rebooted (or not yet fenced again): the DBA shuts it down to rebuild it.
  if ((await labPowerStatus(node)) === 'on') await labPowerOff(node);
  await rebuildStandby(node, log);
}


/** median (min–max) in seconds. */
export const stats = (v: number[]) => (v.length ? `${(median(v) / 1000).toFixed(2)} s (${(Math.min(...v) / 1000).toFixed(2)}–${(Math.max(...v) / 1000).toFixed(2)})` : 'n/a');

/** A results table row: scenario, label, outage and after-detection stats, rows lost per run, runs. */
export function outageRow(scenario: Scenario, label: string, list: readonly Run[]): string {
  const afters = list.flatMap((r) => (r.afterDetectionMs === undefined ? [] : [r.afterDetectionMs]));
  const after = SCENARIOS[scenario].detection ? stats(afters) : '—';
  return `| ${SCENARIOS[scenario].title} | ${label} | ${stats(list.map((r) => r.totalMs))} | ${after} | ${list.map((r) => r.lost).join(', ')} | ${list.length} |`;
}

/** The agent's share phase by phase: the median time from each step's start to the next's, over `list`. */
export function agentSharePhaseRow(label: string, list: readonly Run[]): string {
  const cells = AGENT_SHARE_PHASES.map(([from, to]) => {
    const gaps = list.flatMap((r) => {
      const a = r.agentSteps[from];
      const b = r.agentSteps[to];
      return a === undefined || b === undefined ? [] : [b - a];
    });
    return gaps.length ? `${(median(gaps) / 1000).toFixed(2)} s` : '—';
  });
  return `| ${label} | ${cells.join(' | ')} |`;
}

/** The header of agentSharePhaseRow's table. */
export const agentSharePhaseHeader = () =>
  `| setup | ${AGENT_SHARE_PHASES.map(([from, to]) => `${from} → ${to}`).join(' | ')} |\n|${'---|'.repeat(AGENT_SHARE_PHASES.length + 1)}`;

/** A node crash's step-by-step row: after detection, detection to the first transition, that transition to the VIP, detection to the VIP, DC lost. */
export function nodeCrashStepRow(label: string, list: readonly Run[]): string {
  const values = (pick: (r: Run) => number | undefined) => list.flatMap((r) => (pick(r) === undefined ? [] : [pick(r)!]));
  return `| ${label} | ${stats(values((r) => r.afterDetectionMs))} | ${stats(values((r) => r.detectionToTransitionMs))} | ${stats(values((r) => r.transitionToVipMs))} | ${stats(values((r) => r.detectionToVipMs))} | ${list.filter((r) => r.dcLost).length} of ${list.length} |`;
}
