/**
 * One `monitor` of ocf:pgha:postgresql and of PAF's ocf:heartbeat:pgsqlms, on
 * the same instances of a running lab cluster (the primary and a standby),
 * inside the node's namespaces so both talk to the real Pacemaker: wall and
 * CPU time (the agent and all its children, from wait4), median of N.
 *
 *   pgha lab up --nodes 3 && node --import tsx bench/monitor-cost.ts [--runs 30]
 *
 * Each agent runs under its own resource instance name (bench-pgha,
 * bench-paf), so the cluster's own scores are untouched; the attributes they
 * write are deleted at the end. PAF 2.3.0 reads notify=true from the CIB
 * (crm_resource --meta), so a stopped primitive bench-paf with that meta
 * exists for the duration of the run.
 */
import { parseArgs } from 'node:util';
import { clusterView } from '../src/lab/cluster-watch.js';
import { SERVICE_ENV } from '../src/lab/launcher.js';
import { runInNode } from '../src/lab/node-exec.js';
import { labPostgres } from '../src/lab/lab-postgres.js';
import { PG_PORT } from '../src/lab/layout.js';
import { median, seconds, writeSection } from './report.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '30' } } });
const runs = Number(values.runs);
const pg = await labPostgres();

const AGENTS = {
  pgha: { path: '/usr/lib/ocf/resource.d/pgha/postgresql', instance: 'bench-pgha' },
  paf: { path: '/usr/lib/ocf/resource.d/heartbeat/pgsqlms', instance: 'bench-paf' },
} as const;

interface Sample {
  code: number;
  wall: number;
  cpu: number;
}

function agentEnv(agent: keyof typeof AGENTS, node: string, role: 'Promoted' | 'Unpromoted'): Record<string, string> {
  return {
    OCF_ROOT: '/usr/lib/ocf',
    OCF_RA_VERSION_MAJOR: '1',
    OCF_RA_VERSION_MINOR: '1',
    OCF_RESOURCE_INSTANCE: AGENTS[agent].instance,
    OCF_RESKEY_crm_feature_set: '3.16.1',
    OCF_RESKEY_bindir: pg.bindir,
    OCF_RESKEY_pgdata: pg.pgdata,
    OCF_RESKEY_pghost: '/run/postgresql',
    OCF_RESKEY_pgport: String(PG_PORT),
    OCF_RESKEY_CRM_meta_interval: role === 'Promoted' ? '15000' : '16000',
    OCF_RESKEY_CRM_meta_role: role,
    OCF_RESKEY_CRM_meta_timeout: '10000',
    OCF_RESKEY_CRM_meta_notify: 'true',
    OCF_RESKEY_CRM_meta_clone_max: '3',
    OCF_RESKEY_CRM_meta_promoted_max: '1',
    OCF_RESKEY_CRM_meta_master_max: '1',
    OCF_RESKEY_CRM_meta_on_node: node,
  };
}

/**
 * Runs argv[1:] and reports its wall time and the CPU time of it and every
 * child it waited for, in microseconds (wait4's rusage; GNU time rounds to
 * 10 ms, a fifth of one monitor).
 */
const RUSAGE_OF_CHILD = `import os, sys, time
start = time.monotonic()
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
sys.stderr.write("TIME %.6f %.6f %.6f\\n" % (time.monotonic() - start, usage.ru_utime, usage.ru_stime))
sys.exit(os.waitstatus_to_exitcode(status))`;

async function sample(agent: keyof typeof AGENTS, node: string, role: 'Promoted' | 'Unpromoted'): Promise<Sample> {
  // The environment Pacemaker's executor gives an agent (a service's, plus the OCF variables), not this shell's.
  const env = Object.entries({ ...SERVICE_ENV, ...agentEnv(agent, node, role) }).map(([k, v]) => `${k}=${v}`);
  const r = await runInNode(node, ['env', '-i', ...env, 'python3', '-c', RUSAGE_OF_CHILD, AGENTS[agent].path, 'monitor']);
  const line = r.stderr.split('\n').reverse().find((l) => l.startsWith('TIME '));
  if (!line) throw new Error(`no timing from ${agent} on ${node}: ${r.stderr}`);
  if (r.exitCode !== (role === 'Promoted' ? 8 : 0)) process.stderr.write(`${agent} on ${node}: ${r.stderr.split('\n').slice(-4).join(' | ')}\n`);
  const [, wall, user, sys] = line.split(' ').map(Number);
  return { code: r.exitCode, wall: wall!, cpu: user! + sys! };
}

const PAF_PRIMITIVE =
  '<primitive id="bench-paf" class="ocf" provider="heartbeat" type="pgsqlms"><meta_attributes id="bench-paf-meta">' +
  '<nvpair id="bench-paf-notify" name="notify" value="true"/><nvpair id="bench-paf-target-role" name="target-role" value="Stopped"/>' +
  '</meta_attributes></primitive>';

async function cleanup(node: string): Promise<void> {
  await runInNode(node, ['cibadmin', '--delete', '--xml-text', '<primitive id="bench-paf"/>']);
  for (const { instance } of Object.values(AGENTS)) {
    for (const lifetime of ['reboot', 'forever']) {
      for (const target of (await clusterView())?.online ?? []) {
        await runInNode(node, ['crm_attribute', '--lifetime', lifetime, '--name', `master-${instance}`, '--delete', '--node', target]);
      }
    }
  }
}

const status = await clusterView();
if (!status) throw new Error('no lab cluster is running: pgha lab up first');
const primary = status.promoted[0];
const standby = status.unpromoted[0];
if (!primary || !standby) throw new Error('the lab needs a primary and a standby');
// "Pacemaker 2.1.5" (the first line of its version text).
const pacemaker = (await runInNode(primary, ['pacemakerd', '--version'])).stdout.split('\n')[0]!.trim();

await runInNode(primary, ['cibadmin', '--create', '-o', 'resources', '--xml-text', PAF_PRIMITIVE]);
const rows: string[] = [];
const results: Record<string, { wall: number; cpu: number }> = {};
try {
for (const [node, role, expected] of [[primary, 'Promoted', 8], [standby, 'Unpromoted', 0]] as const) {
  for (const agent of ['pgha', 'paf'] as const) {
    await sample(agent, node, role); // first call warms caches (ours: its score cache; both: the page cache)
    const samples: Sample[] = [];
    for (let i = 0; i < runs; i++) samples.push(await sample(agent, node, role));
    const wrong = samples.filter((s) => s.code !== expected);
    if (wrong.length) throw new Error(`${agent} monitor on ${node} returned ${wrong[0]!.code}, expected ${expected}`);
    const m = { wall: median(samples.map((s) => s.wall)), cpu: median(samples.map((s) => s.cpu)) };
    results[`${agent}-${role}`] = m;
    rows.push(`| ${role === 'Promoted' ? 'primary' : 'standby'} | ${agent} | ${seconds(m.wall)} | ${seconds(m.cpu)} | ${runs} |`);
  }
}
} finally {
  await cleanup(primary);
}

const ratio = (role: string, what: 'wall' | 'cpu') => (results[`pgha-${role}`]![what] / results[`paf-${role}`]![what]).toFixed(2);
await writeSection(
  'monitor-cost',
  `## Cost of one monitor (issue: "our monitor uses at most half of PAF's CPU time and no more wall time")

Measured ${new Date().toISOString().slice(0, 10)} on the lab cluster (3 nodes, ${pacemaker}, PostgreSQL ${pg.major}), inside the node's namespaces, each agent's recurring monitor on the same primary and standby. Times are the agent and every child process it starts (wait4's resource usage, to the microsecond), median of ${runs} calls after one warm-up call.

| instance | agent | wall (median) | CPU user+sys (median) | calls |
|---|---|---|---|---|
${rows.join('\n')}

Ratio pgha / PAF: primary CPU ${ratio('Promoted', 'cpu')}, wall ${ratio('Promoted', 'wall')}; standby CPU ${ratio('Unpromoted', 'cpu')}, wall ${ratio('Unpromoted', 'wall')}.

Rerun: \`sudo ./scripts/demo.sh\` (or \`pgha lab up\`), then \`node --import tsx bench/monitor-cost.ts --runs 30\`.`,
);
console.log(rows.join('\n'));
