/**
 * Failover, pgha against PAF on the same lab (same Corosync settings, each
 * agent at its own recommended monitor intervals): write unavailability
 * (fault to writes flowing again through the VIP), the part of it after the
 * failure was detected, and acknowledged rows lost. Faults land at a random
 * moment within the promoted monitor interval, so detection is sampled fairly.
 *
 *   node --import tsx bench/failover.ts [--runs 3] [--agents pgha,paf] [--scenarios kill-primary,node-crash,switchover]
 *
 * Results go to docs/benchmarks.md, charts to docs/failover-<scenario>.svg.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ACTIONS } from '../src/agent/metadata.js';
import { clearMove, movePromoted, rowsOnNode } from '../src/lab/cluster-ops.js';
import { waitForCluster } from '../src/lab/cluster-query.js';
import { killPostmaster } from '../src/lab/faults.js';
import { labNodes, labPowerOff } from '../src/lab/power.js';
import { LabWriter, missingAcknowledged, type WriteEvent } from '../src/lab/writer.js';
import { MONITOR_INTERVALS, type AgentChoice } from '../src/lab/cib-commands.js';
import { labDown } from '../src/lab/lab-down.js';
import { labUp } from '../src/lab/lab-up.js';
import { currentPrimary, freshFirstRow, log, REPO_ROOT, restoreHealthy, sleep } from '../test/cluster/harness.js';
import { lineChart, writesPerSecond, type Series } from './chart.js';
import { FAILED_MONITOR, firstLogEvent, NODE_LOST } from './log-events.js';
import { median, writeSection } from './report.js';

const SCENARIOS = {
  'kill-primary': { title: 'kill -9 of the primary postmaster', detection: FAILED_MONITOR },
  'node-crash': { title: 'primary node crash (fenced)', detection: NODE_LOST },
  switchover: { title: 'planned switchover', detection: undefined },
} as const;
type Scenario = keyof typeof SCENARIOS;

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '3' }, agents: { type: 'string', default: 'pgha,paf' }, scenarios: { type: 'string', default: Object.keys(SCENARIOS).join(',') } },
});
const runs = Number(values.runs);
const agents = values.agents!.split(',') as AgentChoice[];
const scenarios = values.scenarios!.split(',') as Scenario[];

interface Run {
  totalMs: number;
  afterDetectionMs: number | undefined;
  lost: number;
  events: WriteEvent[];
  faultAt: number;
}

/** A pause between acknowledged writes longer than this counts as an outage (the writer acknowledges every ~20 ms). */
const OUTAGE_GAP_MS = 1_000;

/**
 * When writes came back for good: the end of the last pause between
 * acknowledged writes longer than OUTAGE_GAP_MS after the fault. Recoveries
 * may let writes through for a moment and stop them again (PAF restarts a
 * crashed primary as a primary, then demotes and re-promotes it): the outage
 * runs from the fault to the end of the last such pause.
 */
function recovery(events: readonly WriteEvent[], faultAt: number): { ms: number; recoveredAt: number } {
  const oks = events.filter((e) => e.ok).map((e) => e.end).sort((a, b) => a - b);
  let recoveredAt = faultAt;
  for (let i = 1; i < oks.length; i++) {
    if (oks[i]! > faultAt && oks[i]! - Math.max(oks[i - 1]!, faultAt) > OUTAGE_GAP_MS) recoveredAt = oks[i]!;
  }
  return { ms: recoveredAt - faultAt, recoveredAt };
}

const promotedIntervalMs = (agent: AgentChoice) =>
  agent === 'pgha' ? Number.parseInt(ACTIONS.find((a) => a.role === 'Promoted')!.interval!, 10) * 1000 : Number.parseInt(MONITOR_INTERVALS.paf.promotedMonitor, 10) * 1000;

async function runOnce(agent: AgentChoice, scenario: Scenario): Promise<Run> {
  await restoreHealthy();
  const primary = await currentPrimary();
  const others = (await labNodes()).filter((n) => n !== primary);
  const first = freshFirstRow();
  const writer = LabWriter.start({ first });
  try {
    await writer.waitForSuccesses(20, 30_000);
    await sleep(Math.floor(Math.random() * promotedIntervalMs(agent)));
    const faultAt = Date.now();
    if (scenario === 'kill-primary') await killPostmaster(primary);
    else if (scenario === 'node-crash') await labPowerOff(primary);
    else await movePromoted(others[0]!, others[0]!);
    await writer.waitForSuccesses(20, 120_000);
    await sleep(2_000);
    const events = await writer.stop();
    if (scenario === 'switchover') await clearMove(others[0]!);
    const { ms, recoveredAt } = recovery(events, faultAt);
    const pattern = SCENARIOS[scenario].detection;
    const detectedAt = pattern ? await firstLogEvent(scenario === 'node-crash' ? others : [primary, ...others], pattern, faultAt) : faultAt;
    // The crashed node stays off (fenced): the cluster is not fully healthy yet, only primary again.
    const after = (await waitForCluster('a primary holding the VIP', 60_000, (st) => st.promoted.length === 1 && st.vip[0] === st.promoted[0])).promoted[0]!;
    const lost = missingAcknowledged(events, await rowsOnNode(after, first)).length;
    const result = { totalMs: ms, afterDetectionMs: detectedAt === undefined ? undefined : recoveredAt - detectedAt, lost, events, faultAt };
    log(`${agent} ${scenario}: outage ${ms} ms, after detection ${result.afterDetectionMs} ms, ${lost} lost, primary ${primary} -> ${after}`);
    return result;
  } finally {
    await writer.stop();
  }
}

const stats = (v: number[]) => (v.length ? `${(median(v) / 1000).toFixed(2)} s (${(Math.min(...v) / 1000).toFixed(2)}–${(Math.max(...v) / 1000).toFixed(2)})` : 'n/a');

const results = new Map<string, Run[]>();
for (const agent of agents) {
  await labDown(log);
  await labUp({ nodes: 3, agent, buildRoot: REPO_ROOT, log });
  for (const scenario of scenarios) {
    const list: Run[] = [];
    for (let i = 0; i < runs; i++) list.push(await runOnce(agent, scenario));
    results.set(`${agent}/${scenario}`, list);
  }
}
await labDown(log);

const rows: string[] = [];
const charts: string[] = [];
for (const scenario of scenarios) {
  const series: Series[] = [];
  for (const agent of agents) {
    const list = results.get(`${agent}/${scenario}`) ?? [];
    const totals = list.map((r) => r.totalMs);
    const afters = list.flatMap((r) => (r.afterDetectionMs === undefined ? [] : [r.afterDetectionMs]));
    rows.push(`| ${SCENARIOS[scenario].title} | ${agent} | ${stats(totals)} | ${SCENARIOS[scenario].detection ? stats(afters) : '—'} | ${list.map((r) => r.lost).join(', ')} | ${list.length} |`);
    const typical = [...list].sort((a, b) => a.totalMs - b.totalMs)[Math.floor(list.length / 2)];
    if (typical) series.push({ label: `${agent} (median run)`, color: agent === 'pgha' ? '#1f6fb4' : '#d2691e', values: writesPerSecond(typical.events, typical.faultAt, -5, 25) });
  }
  const file = `failover-${scenario}.svg`;
  await writeFile(join(REPO_ROOT, 'docs', file), lineChart(`${SCENARIOS[scenario].title}: successful writes per second`, -5, series));
  charts.push(`![${SCENARIOS[scenario].title}](${file})`);
}

await writeSection(
  'failover',
  `## Failover: write unavailability, pgha vs PAF (issue 3)

Measured ${new Date().toISOString().slice(0, 10)} on the lab (3 nodes in network namespaces, Corosync token 1000 ms, same for both agents), ${runs} runs per agent and scenario, the fault at a random moment within the promoted monitor interval (pgha ${promotedIntervalMs('pgha') / 1000} s, its recommended interval; PAF ${promotedIntervalMs('paf') / 1000} s, its quick start's). A writer in its own namespace inserts numbered rows through the VIP with sub-second client timeouts.

| scenario | agent | write outage, median (min–max) | after detection, median (min–max) | acknowledged rows lost per run | runs |
|---|---|---|---|---|---|
${rows.join('\n')}

Write outage: from the fault to the end of the last pause of more than ${OUTAGE_GAP_MS / 1000} s between acknowledged writes (a recovery may let writes through for a moment and stop them again). "After detection": from the first failed monitor in the Pacemaker log (postmaster kill) or the Corosync membership loss (node crash) to that moment.

${charts.join('\n\n')}

Rerun: \`node --import tsx bench/failover.ts --runs 3\` (as root; it builds a lab for each agent and removes it at the end).`,
);
console.log(rows.join('\n'));
