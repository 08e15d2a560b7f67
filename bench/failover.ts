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
import type { AgentChoice } from '../src/lab/cib-commands.js';
import { bringLabDown, bringLabUp, REPO_ROOT } from '../test/cluster/harness.js';
import { lineChart, writesPerSecond, type Series } from './chart.js';
import { nodeCrashStepRow, OUTAGE_GAP_MS, outageRow, promotedIntervalMs, runFault, SCENARIOS, type Run, type Scenario } from './fault-run.js';
import { writeSection } from './report.js';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '3' }, agents: { type: 'string', default: 'pgha,paf' }, scenarios: { type: 'string', default: Object.keys(SCENARIOS).join(',') } },
});
const runs = Number(values.runs);
const agents = values.agents!.split(',') as AgentChoice[];
const scenarios = values.scenarios!.split(',') as Scenario[];

const results = new Map<string, Run[]>();
for (const agent of agents) {
  await bringLabUp(3, agent);
  for (const scenario of scenarios) {
    const list: Run[] = [];
    for (let i = 0; i < runs; i++) list.push(await runFault(agent, scenario));
    results.set(`${agent}/${scenario}`, list);
  }
}
await bringLabDown();

const rows: string[] = [];
const charts: string[] = [];
const dcRows: string[] = [];
for (const scenario of scenarios) {
  const series: Series[] = [];
  for (const agent of agents) {
    const list = results.get(`${agent}/${scenario}`) ?? [];
    rows.push(outageRow(scenario, agent, list));
    if (scenario === 'node-crash') dcRows.push(nodeCrashStepRow(agent, list));
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

Write outage: from the fault to the end of the last pause of more than ${OUTAGE_GAP_MS / 1000} s between acknowledged writes (a recovery may let writes through for a moment and stop them again), and at least to the first write acknowledged after the fault's first failed one (a shorter outage is still one). "After detection": from the first failed monitor in the Pacemaker log (postmaster kill) or the Corosync membership loss (node crash) to that moment.

${
  dcRows.length
    ? `Node crash, step by step from the Pacemaker logs. Detection to the first transition is Pacemaker alone and the same for both agents: a new DC is elected first when the crashed node was the DC (which node is DC is chance), and the controller's scheduler request often waits a whole second (\`sleep(1)\` in pacemaker-controld when its own CIB updates for the lost node are still pending; it shows as a ~1 s gap before "Calculated transition"). From that transition to the VIP started is fencing, the agent's notifications and promote, and the VIP's start: the agent's share. After detection also counts the client's reconnection through the moved address.

| agent | after detection, median (min–max) | detection to first transition | transition to VIP started | detection to VIP started | crashed node was the DC |
|---|---|---|---|---|---|
${dcRows.join('\n')}

`
    : ''
}${charts.join('\n\n')}

Rerun: \`node --import tsx bench/failover.ts --runs ${runs}\` (as root; it builds a lab for each agent and removes it at the end).`,
);
console.log(rows.join('\n'));
