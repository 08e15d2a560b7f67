/**
 * Failover outside the lab's own settings (issue 15), pgha against PAF in the
 * same run: a primary node crash with the DC as the crashed node and with
 * another node as DC, and a crashed primary that boots again as soon as it is
 * fenced or 20 s later; pgha at its recommended intervals and at PAF's quick
 * start's (PAF always at its own).
 *
 *   node --import tsx bench/failover-settings.ts [--runs 3] [--scenarios node-crash-dc,node-crash-other-dc,fast-reboot,reboot-20s]
 *
 * Results go to docs/benchmarks.md (section failover-settings).
 */
import { parseArgs } from 'node:util';
import type { AgentChoice } from '../src/lab/cib-commands.js';
import { bringLabDown, bringLabUp } from '../test/cluster/harness.js';
import { agentSharePhaseHeader, agentSharePhaseRow, nodeCrashStepRow, OUTAGE_GAP_MS, outageRow, runFault, SCENARIOS, usePafIntervals, type IntervalProfile, type Run, type Scenario } from './fault-run.js';
import { median, writeSection } from './report.js';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '3' }, scenarios: { type: 'string', default: 'node-crash-dc,node-crash-other-dc,fast-reboot,reboot-20s' } },
});
const runs = Number(values.runs);
const scenarios = values.scenarios!.split(',') as Scenario[];
for (const s of scenarios) if (!(s in SCENARIOS)) throw new Error(`unknown scenario ${s} (known: ${Object.keys(SCENARIOS).join(', ')})`);

// PAF first: its lab needs the DBA's rebuild after every crash, the likelier part to break.
const SETUPS: readonly { label: string; agent: AgentChoice; profile: IntervalProfile }[] = [
  { label: 'PAF, its quick start', agent: 'paf', profile: 'recommended' },
  { label: 'pgha, its intervals', agent: 'pgha', profile: 'recommended' },
  { label: 'pgha, PAF quick start intervals', agent: 'pgha', profile: 'paf-quickstart' },
];

const results = new Map<string, Run[]>();
for (const setup of SETUPS) {
  await bringLabUp(3, setup.agent);
  if (setup.agent === 'pgha' && setup.profile === 'paf-quickstart') await usePafIntervals();
  for (const scenario of scenarios) {
    const list: Run[] = [];
    for (let i = 0; i < runs; i++) list.push(await runFault(setup.agent, scenario, `${setup.label} ${scenario}`, setup.profile));
    results.set(`${setup.label}/${scenario}`, list);
  }
}
await bringLabDown();

const after = (label: string, scenario: Scenario) => (results.get(`${label}/${scenario}`) ?? []).flatMap((r) => (r.afterDetectionMs === undefined ? [] : [r.afterDetectionMs]));
const rows: string[] = [];
const stepRows: string[] = [];
const ratios: string[] = [];
const phaseRows = SETUPS.map((setup) => agentSharePhaseRow(setup.label, scenarios.flatMap((scenario) => results.get(`${setup.label}/${scenario}`) ?? [])));
for (const scenario of scenarios) {
  for (const setup of SETUPS) {
    const list = results.get(`${setup.label}/${scenario}`) ?? [];
    rows.push(outageRow(scenario, setup.label, list));
    stepRows.push(nodeCrashStepRow(`${SCENARIOS[scenario].title}: ${setup.label}`, list));
  }
  const paf = after('PAF, its quick start', scenario);
  for (const setup of SETUPS.filter((s) => s.agent === 'pgha')) {
    const ours = after(setup.label, scenario);
    if (ours.length && paf.length) ratios.push(`| ${SCENARIOS[scenario].title} | ${setup.label} | ${(median(ours) / median(paf)).toFixed(2)}× |`);
  }
}

await writeSection(
  'failover-settings',
  `## Failover outside the lab's own settings (issue 15)

Measured ${new Date().toISOString().slice(0, 10)} on the lab (3 nodes in network namespaces, Corosync token 1000 ms), ${runs} runs per setup and scenario, all in one run. pgha at its recommended intervals (Promoted monitor 3 s, on-fail=demote) and at PAF's quick start's (15 s / 16 s, Pacemaker's default recovery); PAF at its quick start's. The DC scenarios move the primary to (or away from) the DC by a switchover first. The reboot scenarios power the crashed node on again once it is fenced, or 20 s after the crash.

| scenario | setup | write outage, median (min–max) | after detection, median (min–max) | acknowledged rows lost per run | runs |
|---|---|---|---|---|---|
${rows.join('\n')}

Write outage and "after detection" as in the failover section above (gaps over ${OUTAGE_GAP_MS / 1000} s; detection is the Corosync membership loss).

After detection, pgha's median over PAF's median in the same run (issue 15's target: at most 0.5×; a returning primary: at most 1.5× the plain crash):

| scenario | setup | pgha / PAF |
|---|---|---|
${ratios.join('\n')}

Step by step, from the survivors' Pacemaker logs:

| scenario: setup | after detection | detection to first transition | transition to VIP started | detection to VIP started | crashed node was the DC |
|---|---|---|---|---|---|
${stepRows.join('\n')}

The agent's share phase by phase, every scenario of a setup together (median time from one step's start to the next's). Pacemaker fences the lost node and runs a notification round on every survivor before and after each of the lost primary's demote and stop (both pseudo-actions, nothing runs on the dead node) and the promote; a round costs about one process start of the agent on each survivor plus the controller's messaging. pre-promote → promote includes publishing each standby's WAL position (pgha) and the election's reads; promote → promote ok is the promote itself; promote ok → VIP started is the VIP's own start (IPaddr2), ordered after the promote.

${agentSharePhaseHeader()}
${phaseRows.join('\n')}

Rerun: \`node --import tsx bench/failover-settings.ts --runs ${runs}\` (as root; it builds a lab for each setup and removes it at the end).`,
);
console.log(rows.join('\n'));
