/**
 * Rejoin of a diverged old primary in the lab (issue 4): the primary writes
 * rows no standby receives and its node crashes; a standby takes over; the
 * old node is booted again, untouched, and the agent rewinds it. Measured:
 * from the node's boot to it streaming from the new primary, and the agent's
 * part of it (from Pacemaker initiating its start to streaming).
 *
 *   node --import tsx bench/rejoin.ts [--runs 3]
 *
 * Results go to docs/benchmarks.md.
 */
import { parseArgs } from 'node:util';
import { RESOURCE } from '../src/lab/cib-commands.js';
import { waitForStreaming } from '../src/lab/cluster-watch.js';
import { labNodes, labPowerOn } from '../src/lab/power.js';
import { bringLabDown, bringLabUp, currentPrimary, log, restoreHealthy } from '../test/cluster/harness.js';
import { divergeAndCrash } from '../test/cluster/divergence.js';
import { firstLogEvent } from './log-events.js';
import { median, writeSection } from './report.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const runs = Number(values.runs);

interface Rejoin {
  fromBootMs: number;
  fromStartMs: number | undefined;
}

await bringLabUp(3, 'pgha');
const results: Rejoin[] = [];
for (let i = 0; i < runs; i++) {
  await restoreHealthy();
  const oldPrimary = await currentPrimary();
  const { newPrimary } = await divergeAndCrash(oldPrimary);
  const bootedAt = Date.now();
  await labPowerOn(oldPrimary);
  await waitForStreaming(newPrimary, await labNodes(), 180_000);
  const streamingAt = Date.now();
  const startAt = await firstLogEvent(await labNodes(), new RegExp(`Initiating start operation ${RESOURCE}_start_0 on ${oldPrimary}`), bootedAt);
  const run = { fromBootMs: streamingAt - bootedAt, fromStartMs: startAt === undefined ? undefined : streamingAt - startAt };
  log(`rejoin ${i + 1}: ${oldPrimary} streams from ${newPrimary} ${run.fromBootMs} ms after boot, ${run.fromStartMs} ms after its start was initiated`);
  results.push(run);
}
await bringLabDown();

const secondsOf = (v: number[]) => `${(median(v) / 1000).toFixed(2)} s (${v.map((x) => (x / 1000).toFixed(2)).join(', ')})`;
const fromStart = results.flatMap((r) => (r.fromStartMs === undefined ? [] : [r.fromStartMs]));
await writeSection(
  'rejoin',
  `## Rejoin of a diverged old primary, in the lab (issue 4)

Measured ${new Date().toISOString().slice(0, 10)}: the primary writes 1000 rows no standby receives, its node crashes and is fenced, a standby takes over; the old node is then booted again, untouched. Nobody runs anything: Pacemaker probes it (a crashed primary), recovers it, and the agent's start checks its history against the new primary, archives the WAL it is about to discard, runs pg_rewind and starts it streaming. ${runs} runs, median (each run):

| from | to streaming from the new primary |
|---|---|
| the node's boot (Corosync and Pacemaker join first) | ${secondsOf(results.map((r) => r.fromBootMs))} |
| Pacemaker initiating the start (the agent's part) | ${fromStart.length ? secondsOf(fromStart) : 'n/a'} |

On real PostgreSQL without Pacemaker (\`test/pg/rejoin.test.ts\`, the same code path), start to streaming takes about 1 s.

Rerun: \`node --import tsx bench/rejoin.ts --runs 3\` (as root; it builds a pgha lab and removes it at the end).`,
);
console.log(JSON.stringify(results));
