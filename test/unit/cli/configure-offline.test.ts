// Feeds configure's generated commands to the real pcs, crmsh and crm_verify against an offline CIB.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigureOptions } from '../../../src/cli/configure/configure-options.js';
import { buildCrmPlan, buildPcsPlan } from '../../../src/cli/configure/configure-plan.js';
import { runWithTestAgent, tempDir, transcript, type Step } from '../pacemaker/offline-cib.js';

const options = (tool: 'pcs' | 'crm', nodes = 'node1,node2,node3') =>
  ConfigureOptions.parse({
    nodes, tool, vip: '10.20.0.100/24', vipNic: 'eth0',
    pgdata: '/etc/postgresql/15/main', datadir: '/var/lib/postgresql/15/main', bindir: '/usr/lib/postgresql/15/bin',
    pgport: '5432', systemUser: 'postgres', startOpts: '-c config_file=/etc/postgresql/15/main/postgresql.conf', maxlag: '1048576',
  });

/** An empty CIB with one fence device (crmsh refuses to commit with stonith enabled and no device). */
const emptyCibWithFencing = (cib: string, nodes: string): Step[] => [
  { argv: ['cibadmin', '--empty'], stdoutTo: cib },
  { argv: ['pcs', '-f', cib, 'stonith', 'create', 'fence-all', 'fence_dummy', `pcmk_host_list=${nodes.replaceAll(',', ' ')}`] },
];

for (const nodes of ['node1,node2,node3', 'node1,node2']) {
  test(`pcs plan (${nodes.split(',').length} nodes) is accepted by pcs -f and crm_verify`, async () => {
    const dir = await tempDir();
    const cib = join(dir, 'cib.xml');
    const plan = buildPcsPlan(options('pcs', nodes), cib);
    assert.deepEqual(plan.commands[0]!.argv, ['pcs', 'cluster', 'cib', cib]);
    assert.deepEqual(plan.commands.at(-1)!.argv, ['pcs', 'cluster', 'cib-push', cib, '--config']);
    // The first and last commands read and push the live CIB; offline, an empty CIB stands in for it.
    const body = plan.commands.slice(1, -1).map((c) => ({ argv: c.argv }));
    const results = await runWithTestAgent([...emptyCibWithFencing(cib, nodes), ...body, { argv: ['crm_verify', '-x', cib, '-V'] }]);
    assert.equal(results.length, body.length + 3, transcript(results));
    assert.ok(results.every((r) => r.exitCode === 0), transcript(results));
    // pcs 0.12 deprecates forms 0.11 accepted; the plan uses none of them.
    assert.ok(results.every((r) => !/deprecat/i.test(r.stderr + r.stdout)), transcript(results));
    const xml = await readFile(cib, 'utf8');
    assertConfiguration(xml, nodes.split(',').length === 2);
  });
}

test('crm plan is accepted by crmsh (CIB_file) and crm_verify', async () => {
  const dir = await tempDir();
  const cib = join(dir, 'cib.xml');
  const [command] = buildCrmPlan(options('crm')).commands;
  const results = await runWithTestAgent([
    ...emptyCibWithFencing(cib, 'node1,node2,node3'),
    { argv: command!.argv, input: command!.input!, env: { CIB_file: cib } },
    { argv: ['crm_verify', '-x', cib, '-V'] },
  ]);
  assert.equal(results.length, 4, transcript(results));
  assert.ok(results.every((r) => r.exitCode === 0), transcript(results));
  assertConfiguration(await readFile(cib, 'utf8'), false);
});

test('a plan the tools reject fails: crmsh refuses an unknown agent parameter', async () => {
  const dir = await tempDir();
  const cib = join(dir, 'cib.xml');
  const [command] = buildCrmPlan(options('crm')).commands;
  const broken = command!.input!.replace('maxlag=', 'no_such_parameter=');
  const results = await runWithTestAgent([
    ...emptyCibWithFencing(cib, 'node1,node2,node3'),
    { argv: command!.argv, input: broken, env: { CIB_file: cib } },
  ]);
  assert.notEqual(results.at(-1)!.exitCode, 0, transcript(results));
  assert.doesNotMatch(await readFile(cib, 'utf8'), /ocf:pgha|type="postgresql"/);
});

/** The resulting CIB holds what pgha expects, whichever tool wrote it. */
function assertConfiguration(xml: string, twoNodes: boolean): void {
  assert.match(xml, /<clone id="pgsqld-clone">/);
  assert.match(xml, /<primitive (?=[^>]*id="pgsqld")(?=[^>]*class="ocf")(?=[^>]*provider="pgha")(?=[^>]*type="postgresql")/);
  for (const [name, value] of [
    ['promotable', 'true'], ['notify', 'true'], ['promoted-max', '1'], ['promoted-node-max', '1'],
    ['clone-node-max', '1'], ['interleave', 'true'], ['migration-threshold', '5'], ['resource-stickiness', '10'],
    ['failure-timeout', '10min'], ['stonith-enabled', 'true'], ['maxlag', '1048576'],
    ['start_opts', '-c config_file=/etc/postgresql/15/main/postgresql.conf'], ['ip', '10.20.0.100'], ['nic', 'eth0'],
  ]) {
    assert.match(xml, new RegExp(`<nvpair (?=[^>]*name="${name}")(?=[^>]*value="${value}")`), `${name}=${value}`);
  }
  assert.equal(/name="priority-fencing-delay"/.test(xml), twoNodes);
  assert.match(xml, /<op (?=[^>]*name="monitor")(?=[^>]*interval="3s")(?=[^>]*role="Promoted")(?=[^>]*timeout="10s")(?=[^>]*on-fail="demote")/);
  assert.match(xml, /<op (?=[^>]*name="monitor")(?=[^>]*interval="4s")(?=[^>]*role="Unpromoted")(?=[^>]*timeout="10s")/);
  assert.match(xml, /<op (?=[^>]*name="demote")(?=[^>]*timeout="120s")(?=[^>]*on-fail="restart")/);
  assert.match(xml, /<rsc_colocation (?=[^>]*rsc="pgsqld-vip")(?=[^>]*with-rsc="pgsqld-clone")(?=[^>]*with-rsc-role="Promoted")(?=[^>]*score="INFINITY")/);
  for (const [first, then] of [['promote', 'start'], ['demote', 'stop']]) {
    assert.match(
      xml,
      new RegExp(`<rsc_order (?=[^>]*first="pgsqld-clone")(?=[^>]*first-action="${first}")(?=[^>]*then="pgsqld-vip")(?=[^>]*then-action="${then}")(?=[^>]*symmetrical="false")(?=[^>]*kind="Mandatory")`),
    );
  }
}
