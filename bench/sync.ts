/**
 * What synchronous replication costs and what it buys (issue 7), on one pgha
 * lab: pgbench throughput through the VIP with sync_mode=off and quorum
 * (rounds alternate between the modes, so drift hits both alike), then a
 * primary node crash under the lab writer in each mode: write unavailability
 * and acknowledged rows lost.
 *
 *   node --import tsx bench/sync.ts [--runs 3] [--seconds 20] [--clients 4]
 *
 * Results go to docs/benchmarks.md.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runOnHost } from '../src/lab/node-exec.js';
import { CLIENT_NETNS, PG_PORT, VIP } from '../src/lab/layout.js';
import { labPostgres } from '../src/lab/lab-postgres.js';
import { bringLabDown, bringLabUp, log, restoreHealthy, setSyncMode } from '../test/cluster/harness.js';
import { runFault, stats, type Run } from './fault-run.js';
import { median, writeSection } from './report.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, seconds: { type: 'string', default: '20' }, clients: { type: 'string', default: '4' } } });
const runs = Number(values.runs);
const seconds = Number(values.seconds);
const clients = Number(values.clients);
const MODES = ['off', 'quorum'] as const;
type Mode = (typeof MODES)[number];

/** pgbench from the client namespace through the VIP, as an application would connect. */
async function pgbench(args: string[], timeoutMs: number): Promise<string> {
  const argv = ['ip', 'netns', 'exec', CLIENT_NETNS, join((await labPostgres()).bindir, 'pgbench'), '-h', VIP, '-p', String(PG_PORT), '-U', 'postgres', ...args, 'postgres'];
  const r = await runOnHost(argv, { timeoutMs });
  if (r.exitCode !== 0) throw new Error(`pgbench ${args.join(' ')} failed: ${r.stderr || r.stdout}`);
  return r.stdout;
}

interface Throughput {
  tps: number;
  latencyMs: number;
}

/** tps and average latency from pgbench's summary. */
function parsePgbench(output: string): Throughput {
  const tps = /^tps = ([\d.]+)/m.exec(output);
  const latency = /^latency average = ([\d.]+) ms/m.exec(output);
  if (!tps || !latency) throw new Error(`unexpected pgbench output: ${output.slice(-300)}`);
  return { tps: Number(tps[1]), latencyMs: Number(latency[1]) };
}

await bringLabUp(3, 'pgha');
const pgMajor = (await labPostgres()).major;
await restoreHealthy();
await pgbench(['-i', '-s', '10', '-q'], 300_000);

const throughput = new Map<Mode, Throughput[]>(MODES.map((m) => [m, []]));
for (let round = 0; round < runs; round++) {
  for (const mode of MODES) {
    await setSyncMode(mode, 1);
    // -N: the simple-update script (no contention on the branch rows), so the commit path is what is measured.
    const result = parsePgbench(await pgbench(['-n', '-N', '-c', String(clients), '-j', String(Math.min(clients, 2)), '-T', String(seconds)], (seconds + 60) * 1000));
    log(`pgbench sync_mode=${mode}: ${result.tps.toFixed(0)} tps, ${result.latencyMs.toFixed(2)} ms`);
    throughput.get(mode)!.push(result);
  }
}

const crashes = new Map<Mode, Run[]>(MODES.map((m) => [m, []]));
for (const mode of MODES) {
  await restoreHealthy();
  await setSyncMode(mode, 1);
  for (let i = 0; i < runs; i++) crashes.get(mode)!.push(await runFault('pgha', 'node-crash', `pgha sync_mode=${mode}`));
}
await bringLabDown();

const throughputRows = MODES.map((mode) => {
  const list = throughput.get(mode)!;
  return `| ${mode} | ${median(list.map((t) => t.tps)).toFixed(0)} (${list.map((t) => t.tps.toFixed(0)).join(', ')}) | ${median(list.map((t) => t.latencyMs)).toFixed(2)} ms |`;
});
const crashRows = MODES.map((mode) => {
  const list = crashes.get(mode)!;
  return `| ${mode} | ${stats(list.map((r) => r.totalMs))} | ${stats(list.flatMap((r) => (r.afterDetectionMs === undefined ? [] : [r.afterDetectionMs])))} | ${list.map((r) => r.lost).join(', ')} |`;
});
const ratio = median(throughput.get('quorum')!.map((t) => t.tps)) / median(throughput.get('off')!.map((t) => t.tps));

await writeSection(
  'sync',
  `## Synchronous replication: throughput and failover, sync_mode=off vs quorum (issue 7)

Measured ${new Date().toISOString().slice(0, 10)} on the pgha lab (3 nodes, PostgreSQL ${pgMajor}, sync_count=1, all on one 2-core machine, so replication round trips are short and the CPU is shared).

pgbench through the VIP from the client namespace: simple-update script (\`-N\`), scale 10, ${clients} clients, ${seconds} s per run, ${runs} runs per mode alternating between modes.

| sync_mode | tps, median (each run) | latency, median |
|---|---|---|
${throughputRows.join('\n')}

quorum / off throughput: ${ratio.toFixed(2)}.

Primary node crash (powered off, fenced) under the lab writer, ${runs} runs per mode:

| sync_mode | write outage, median (min–max) | after detection, median (min–max) | acknowledged rows lost per run |
|---|---|---|---|
${crashRows.join('\n')}

With \`off\` a crash may lose what the old primary acknowledged just before it died (the lab's standbys sit on the same machine, so that window is a few milliseconds and often empty); with \`quorum\` promotion is restricted to the published synchronous set and no acknowledged row can be lost. The cluster test \`test/cluster/sync.test.ts\` repeats the quorum crash (three times in CI, \`PGHA_SYNC_CRASHES=5\` for five) and asserts zero lost rows each time.

Rerun: \`node --import tsx bench/sync.ts --runs 3\` (as root; it builds a pgha lab and removes it at the end).`,
);
console.log([...throughputRows, ...crashRows].join('\n'));
