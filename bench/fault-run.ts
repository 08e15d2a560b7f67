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
import { clusterStatus, waitForCluster } from '../src/lab/cluster-query.js';
import { killPostmaster } from '../src/lab/faults.js';
import { labNodes, labPowerOff } from '../src/lab/power.js';
import { LabWriter, missingAcknowledged, type WriteEvent } from '../src/lab/writer.js';
import { MONITOR_INTERVALS, type AgentChoice } from '../src/lab/cib-commands.js';
import { assertNoViolations, currentPrimary, freshFirstRow, log, missingMonitorTokens, restoreHealthy, sleep } from '../test/cluster/harness.js';
import { FAILED_MONITOR, firstLogEvent, mergedLogLines, NODE_LOST, recoveryTimeline, TRANSITION_CALCULATED, VIP_STARTED } from './log-events.js';
import { median } from './report.js';

export const SCENARIOS = {
  'kill-primary': { title: 'kill -9 of the primary postmaster', detection: FAILED_MONITOR },
  'node-crash': { title: 'primary node crash (fenced)', detection: NODE_LOST },
  switchover: { title: 'planned switchover', detection: undefined },
} as const;
export type Scenario = keyof typeof SCENARIOS;

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

export const promotedIntervalMs = (agent: AgentChoice) =>
  agent === 'pgha' ? Number.parseInt(ACTIONS.find((a) => a.role === 'Promoted')!.interval!, 10) * 1000 : Number.parseInt(MONITOR_INTERVALS.paf.promotedMonitor, 10) * 1000;

export async function runFault(agent: AgentChoice, scenario: Scenario, label: string = agent): Promise<Run> {
  await restoreHealthy();
  const primary = await currentPrimary();
  const others = (await labNodes()).filter((n) => n !== primary);
  const first = freshFirstRow();
  const startedAt = Date.now();
  const writer = LabWriter.start({ first });
  try {
    await writer.waitForSuccesses(20, 30_000);
    await sleep(Math.floor(Math.random() * promotedIntervalMs(agent)));
    const dcLost = scenario === 'node-crash' && (await clusterStatus())?.dc === primary;
    const faultAt = Date.now();
    if (scenario === 'kill-primary') await killPostmaster(primary);
    else if (scenario === 'node-crash') await labPowerOff(primary);
    else await movePromoted(others[0]!, others[0]!);
    // Writes may go on for a while before the outage starts (a switchover's demote begins when
    // Pacemaker gets to it): count the writes that end it only once one has failed.
    if (!(await writer.waitForFailure(60_000))) throw new Error(`${scenario}: no write failed within 60 s of the fault`);
    await writer.waitForSuccesses(20, 120_000);
    await sleep(2_000);
    const events = await writer.stop();
    if (scenario === 'switchover') await clearMove(others[0]!);
    const { ms, recoveredAt } = recovery(events, faultAt);
    const pattern = SCENARIOS[scenario].detection;
    const detectedAt = pattern ? await firstLogEvent(scenario === 'node-crash' ? others : [primary, ...others], pattern, faultAt) : faultAt;
    // The crashed node stays off (fenced): the cluster is not fully healthy yet, only primary again.
    const after = (await waitForCluster('a primary holding the VIP', 60_000, (st) => st.promoted.length === 1 && st.vip[0] === st.promoted[0])).promoted[0]!;
    const lost = missingAcknowledged(events, await rowsOnNode(after, first)).length + (await missingMonitorTokens(after, startedAt)).length;
    assertNoViolations(startedAt);
    const vipAt = scenario === 'node-crash' && detectedAt !== undefined ? await firstLogEvent(others, VIP_STARTED, detectedAt) : undefined;
    const transitionAt = vipAt === undefined ? undefined : await firstLogEvent(others, TRANSITION_CALCULATED, detectedAt!);
    const between = (from: number | undefined, to: number | undefined) => (from === undefined || to === undefined ? undefined : to - from);
    const result = {
      totalMs: ms,
      afterDetectionMs: between(detectedAt, recoveredAt),
      lost,
      events,
      faultAt,
      dcLost,
      detectionToVipMs: between(detectedAt, vipAt),
      detectionToTransitionMs: between(detectedAt, transitionAt),
      transitionToVipMs: between(transitionAt, vipAt),
    };
    const { detectionToVipMs } = result;
    log(
      `${label} ${scenario}: outage ${ms} ms, after detection ${result.afterDetectionMs} ms${detectionToVipMs === undefined ? '' : ` (VIP started ${detectionToVipMs} ms after)`}, ${lost} lost, primary ${primary} -> ${after}${dcLost ? ' (it was the DC)' : ''}`,
    );
    if (scenario === 'node-crash' && detectedAt !== undefined) {
      const lines = await mergedLogLines(others, detectedAt, (vipAt ?? detectedAt + 30_000) + 500);
      const file = join(BENCH_LOG_DIR, `${new Date(faultAt).toISOString().replace(/[:.]/g, '')}-${label}-${scenario}.log`);
      await mkdir(BENCH_LOG_DIR, { recursive: true });
      await writeFile(file, `${lines.join('\n')}\n`);
      log(`  from detection: ${recoveryTimeline(lines, detectedAt)} (survivors' log: ${file})`);
    }
    return result;
  } finally {
    await writer.stop();
  }
}


/** median (min–max) in seconds. */
export const stats = (v: number[]) => (v.length ? `${(median(v) / 1000).toFixed(2)} s (${(Math.min(...v) / 1000).toFixed(2)}–${(Math.max(...v) / 1000).toFixed(2)})` : 'n/a');
