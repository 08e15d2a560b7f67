import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigureOptions, describeConfigureIssues } from '../../../src/cli/configure/configure-options.js';
import { buildCrmPlan, buildPcsPlan, formatPlan } from '../../../src/cli/configure/configure-plan.js';

const parse = (raw: Record<string, unknown>) => ConfigureOptions.parse(raw);
const base = {
  nodes: 'node1,node2,node3',
  vip: '10.20.0.100/24',
  pgdata: '/etc/postgresql/15/main',
  datadir: '/var/lib/postgresql/15/main',
  bindir: '/usr/lib/postgresql/15/bin',
};

const PG_OPS = [
  'op', 'start', 'timeout=60s', 'op', 'stop', 'timeout=60s', 'op', 'promote', 'timeout=60s',
  'op', 'demote', 'timeout=120s', 'on-fail=restart', 'op', 'notify', 'timeout=60s',
  'op', 'monitor', 'interval=3s', 'role=Promoted', 'timeout=10s', 'on-fail=demote',
  'op', 'monitor', 'interval=4s', 'role=Unpromoted', 'timeout=10s',
];

test('pcs plan for 3 nodes: copy of the CIB, clone with recommended operations, VIP and constraints, one push, in syntax pcs 0.11 and 0.12 both accept without warnings', () => {
  const plan = buildPcsPlan(parse(base), 'cib.xml');
  assert.deepEqual(plan.commands.map((c) => c.argv), [
    ['pcs', 'cluster', 'cib', 'cib.xml'],
    ['pcs', '-f', 'cib.xml', 'resource', 'defaults', 'update', 'migration-threshold=5', 'resource-stickiness=10', 'failure-timeout=10min'],
    ['pcs', '-f', 'cib.xml', 'property', 'set', 'stonith-enabled=true'],
    ['pcs', '-f', 'cib.xml', 'resource', 'create', 'pgsqld', 'ocf:pgha:postgresql',
      'bindir=/usr/lib/postgresql/15/bin', 'pgdata=/etc/postgresql/15/main', 'datadir=/var/lib/postgresql/15/main',
      ...PG_OPS, 'promotable'],
    ['pcs', '-f', 'cib.xml', 'resource', 'meta', 'pgsqld-clone', 'notify=true', 'promoted-max=1', 'promoted-node-max=1', 'clone-node-max=1', 'interleave=true'],
    ['pcs', '-f', 'cib.xml', 'resource', 'create', 'pgsqld-vip', 'ocf:heartbeat:IPaddr2', 'ip=10.20.0.100', 'cidr_netmask=24',
      'op', 'monitor', 'interval=10s', 'timeout=20s'],
    ['pcs', '-f', 'cib.xml', 'constraint', 'colocation', 'add', 'pgsqld-vip', 'with', 'Promoted', 'pgsqld-clone', 'score=INFINITY'],
    ['pcs', '-f', 'cib.xml', 'constraint', 'order', 'promote', 'pgsqld-clone', 'then', 'start', 'pgsqld-vip', 'symmetrical=false', 'kind=Mandatory'],
    ['pcs', '-f', 'cib.xml', 'constraint', 'order', 'demote', 'pgsqld-clone', 'then', 'stop', 'pgsqld-vip', 'symmetrical=false', 'kind=Mandatory'],
    ['pcs', 'cluster', 'cib-push', 'cib.xml', '--config'],
  ]);
  assert.ok(plan.commands.every((c) => c.input === undefined));
});

test('two nodes: priority on the clone and priority-fencing-delay', () => {
  const plan = buildPcsPlan(parse({ ...base, nodes: 'a,b' }), 'x.xml');
  assert.deepEqual(plan.commands[2]!.argv.slice(3), ['property', 'set', 'stonith-enabled=true', 'priority-fencing-delay=10s']);
  assert.deepEqual(plan.commands[4]!.argv.slice(3, 6), ['resource', 'meta', 'pgsqld-clone']);
  assert.equal(plan.commands[4]!.argv.at(-1), 'priority=10');
  const crm = buildCrmPlan(parse({ ...base, nodes: 'a,b', tool: 'crm' })).commands[0]!.input!;
  assert.match(crm, /^property stonith-enabled=true priority-fencing-delay=10s$/m);
  assert.match(crm, /^clone pgsqld-clone pgsqld meta promotable=true .* interleave=true priority=10$/m);
});

test('every agent parameter is passed through, in PAF names; custom resource name and monitor interval', () => {
  const o = parse({
    ...base, resource: 'pg', pghost: '/run/postgresql', pgport: '5433', systemUser: 'postgres',
    startOpts: '-c config_file=/etc/postgresql/15/main/postgresql.conf', maxlag: '16777216', monitorInterval: '5', vipNic: 'eth1',
  });
  const create = buildPcsPlan(o).commands[3]!.argv;
  assert.deepEqual(create.slice(5, 14), [
    'pg', 'ocf:pgha:postgresql', 'bindir=/usr/lib/postgresql/15/bin', 'pgdata=/etc/postgresql/15/main',
    'datadir=/var/lib/postgresql/15/main', 'pghost=/run/postgresql', 'pgport=5433', 'system_user=postgres',
    'start_opts=-c config_file=/etc/postgresql/15/main/postgresql.conf',
  ]);
  assert.ok(create.includes('maxlag=16777216'));
  assert.ok(create.join(' ').includes('op monitor interval=5s role=Promoted timeout=10s on-fail=demote op monitor interval=6s role=Unpromoted'));
  const text = formatPlan(buildPcsPlan(o));
  assert.match(text, / 'start_opts=-c config_file=\/etc\/postgresql\/15\/main\/postgresql.conf' /);
  assert.match(text, /resource create pg-vip ocf:heartbeat:IPaddr2 ip=10.20.0.100 cidr_netmask=24 nic=eth1 /);
  assert.match(text, /constraint colocation add pg-vip with Promoted pg-clone score=INFINITY/);
  assert.match(text, /^pcs cluster cib-push pgha-cib.xml --config$/m);
});

test('crm plan: one crm configure session whose script ends in commit', () => {
  const o = parse({ ...base, tool: 'crm', startOpts: '-c work_mem=8MB' });
  const plan = buildCrmPlan(o);
  assert.equal(plan.commands.length, 1);
  assert.deepEqual(plan.commands[0]!.argv, ['crm', 'configure']);
  assert.equal(plan.commands[0]!.input, [
    'rsc_defaults migration-threshold=5 resource-stickiness=10 failure-timeout=10min',
    'property stonith-enabled=true',
    `primitive pgsqld ocf:pgha:postgresql params bindir=/usr/lib/postgresql/15/bin pgdata=/etc/postgresql/15/main datadir=/var/lib/postgresql/15/main start_opts="-c work_mem=8MB" ${PG_OPS.join(' ')}`,
    'clone pgsqld-clone pgsqld meta promotable=true notify=true promoted-max=1 promoted-node-max=1 clone-node-max=1 interleave=true',
    'primitive pgsqld-vip ocf:heartbeat:IPaddr2 params ip=10.20.0.100 cidr_netmask=24 op monitor interval=10s timeout=20s',
    'colocation pgsqld-vip-with-promoted inf: pgsqld-vip pgsqld-clone:Promoted',
    'order pgsqld-vip-after-promote Mandatory: pgsqld-clone:promote pgsqld-vip:start symmetrical=false',
    'order pgsqld-vip-stop-after-demote Mandatory: pgsqld-clone:demote pgsqld-vip:stop symmetrical=false',
    'commit',
    '',
  ].join('\n'));
  assert.match(formatPlan(plan), /^crm configure <<'EOF'\nrsc_defaults .*\ncommit\nEOF\n$/s);
});

test('without --vip: no VIP and no constraints', () => {
  const { vip: _vip, ...noVip } = base;
  const pcs = buildPcsPlan(parse(noVip)).commands.map((c) => c.argv.join(' '));
  assert.equal(pcs.length, 6);
  assert.ok(!pcs.some((c) => c.includes('IPaddr2') || c.includes('constraint')));
  assert.doesNotMatch(buildCrmPlan(parse({ ...noVip, tool: 'crm' })).commands[0]!.input!, /IPaddr2|colocation|order/);
});

test('--vip-resource names the IPaddr2 resource and its constraints', () => {
  const text = formatPlan(buildPcsPlan(parse({ ...base, vipResource: 'pgsql-pri-ip' })));
  assert.match(text, /resource create pgsql-pri-ip ocf:heartbeat:IPaddr2 /);
  assert.match(text, /constraint order demote pgsqld-clone then stop pgsql-pri-ip /);
  assert.doesNotMatch(text, /pgsqld-vip/);
});

test('IPv6 VIP is split into ip and cidr_netmask', () => {
  const argv = buildPcsPlan(parse({ ...base, vip: 'fd00::10/64' })).commands[5]!.argv;
  assert.deepEqual(argv.slice(7, 9), ['ip=fd00::10', 'cidr_netmask=64']);
});

test('bad flag values are rejected, each naming its flag', () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ nodes: 'node1' }, /^--nodes: at least 2 nodes/m],
    [{ nodes: 'a,a' }, /^--nodes: node names must be unique/m],
    [{ nodes: 'a,b c' }, /^--nodes: must be a host name/m],
    [{ vip: '10.20.0.100' }, /^--vip: must be IP\/CIDR/m],
    [{ vip: '10.20.0.300/24' }, /^--vip: /m],
    [{ pgdata: 'relative/dir' }, /^--pgdata: must be an absolute path/m],
    [{ bindir: undefined }, /^--bindir: /m],
    [{ pgport: '0' }, /^--pgport: /m],
    [{ pgport: '5432x' }, /^--pgport: /m],
    [{ maxlag: '-1' }, /^--maxlag: /m],
    [{ monitorInterval: '0' }, /^--monitor-interval: /m],
    [{ resource: '1pg' }, /^--resource: must be a valid XML id/m],
    [{ tool: 'ansible' }, /^--tool: /m],
    [{ startOpts: '-c "x=1"' }, /^--start-opts: must not contain quotes/m],
    [{ systemUser: 'Post Gres' }, /^--system-user: /m],
    [{ vip: undefined, vipNic: 'eth0' }, /^--vip-nic: --vip-nic needs --vip/m],
  ];
  for (const [override, expected] of cases) {
    const result = ConfigureOptions.safeParse({ ...base, ...override });
    assert.equal(result.success, false, JSON.stringify(override));
    assert.match(describeConfigureIssues(result.error!), expected, JSON.stringify(override));
  }
});
