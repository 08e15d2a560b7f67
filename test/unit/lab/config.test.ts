import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CLONE, RESOURCE, VIP_RESOURCE, clusterCommands, type ClusterSpec } from '../../../src/lab/cib-commands.ts';
import { ConfigureOptions } from '../../../src/cli/configure/configure-options.ts';
import { buildPcsPlan } from '../../../src/cli/configure/configure-plan.ts';
import { nodeLayout } from '../../../src/lab/layout.ts';
import { labPgHba, labPostgresqlConf } from '../../../src/lab/pg-config.ts';
import { labPostgresLayout } from '../../../src/lab/lab-postgres.ts';
import { missingPackages, REQUIRED_FILES } from '../../../src/lab/packages.ts';
import { parsePasswd } from '../../../src/lab/users.ts';

const PG17 = labPostgresLayout(17);

const spec = (agent: 'pgha' | 'paf'): ClusterSpec => ({
  agent,
  nodes: ['node1', 'node2', 'node3'],
  bindir: PG17.bindir,
  pgdata: PG17.pgdata,
  pghost: '/run/postgresql',
  pgport: 5432,
  systemUser: 'postgres',
  vip: '10.213.7.100',
  cidrNetmask: 24,
  nic: 'eth0',
  fenceAgent: 'fence_pgha_lab',
});

describe('cluster commands (pcs)', () => {
  const joined = (agent: 'pgha' | 'paf') => clusterCommands(spec(agent), '/tmp/cib.xml').map((c) => c.join(' '));

  it('runs every command against the offline CIB file', () => {
    for (const argv of clusterCommands(spec('paf'), '/tmp/cib.xml')) assert.deepEqual(argv.slice(0, 3), ['pcs', '-f', '/tmp/cib.xml']);
  });

  it('enables fencing with one device per node, never run on the node it fences, leaving the node off', () => {
    const cmds = joined('pgha');
    assert.ok(cmds.some((c) => c.endsWith('property set stonith-enabled=true')));
    assert.ok(cmds.some((c) => c.endsWith('property set stonith-timeout=30s no-quorum-policy=stop load-threshold=240%')));
    for (const node of ['node1', 'node2', 'node3']) {
      assert.ok(cmds.some((c) => c.includes(`stonith create fence-${node} fence_pgha_lab pcmk_host_list=${node} pcmk_reboot_action=off`)));
      assert.ok(cmds.some((c) => c.endsWith(`constraint location fence-${node} avoids ${node}=INFINITY`)));
    }
  });

  it("raises Pacemaker's load threshold by the node count: the lab's nodes share one host's load average", () => {
    assert.ok(joined('pgha').some((c) => c.endsWith(' load-threshold=240%')));
  });

  it('creates a promotable clone with notify and one promoted instance, with the chosen agent', () => {
    assert.ok(joined('paf').some((c) => c.includes('resource create pgsqld ocf:heartbeat:pgsqlms') && c.endsWith(' promotable')));
    assert.ok(joined('paf').some((c) => c.endsWith(`resource meta ${CLONE} notify=true promoted-max=1 promoted-node-max=1 clone-node-max=1 interleave=true`)), 'on the clone: pcs 0.11 and 0.12 accept it without a warning');
    assert.ok(joined('pgha').some((c) => c.includes('resource create pgsqld ocf:pgha:postgresql bindir=/usr/lib/postgresql/17/bin pgdata=/var/lib/postgresql/17/lab')));
  });

  it("uses PAF's quick start for PAF: its monitor intervals, Pacemaker's default recovery", () => {
    const create = joined('paf').find((c) => c.includes('resource create pgsqld'))!;
    assert.match(create, /op promote timeout=30s .*op monitor interval=15s timeout=10s role=Promoted op monitor interval=16s timeout=10s role=Unpromoted/);
    assert.doesNotMatch(create, /on-fail/);
  });

  it('differs for PAF only in the agent and its operations', () => {
    const isCreate = (c: string) => c.includes(`resource create ${RESOURCE} `);
    assert.deepEqual(joined('paf').filter((c) => !isCreate(c)), joined('pgha').filter((c) => !isCreate(c)));
  });

  it("uses pgha configure's recovery for pgha: a failed primary recovered in place by demote", () => {
    const create = joined('pgha').find((c) => c.includes('resource create pgsqld'))!;
    assert.match(create, /op promote timeout=60s /);
    assert.match(create, /op demote timeout=120s on-fail=restart /);
    assert.match(create, /op monitor interval=3s role=Promoted timeout=10s on-fail=demote /);
  });

  it("is pgha configure's pcs plan for the same options, then the lab's own settings and fence devices", () => {
    const configure = ConfigureOptions.parse({
      nodes: 'node1,node2,node3', vip: '10.213.7.100/24', vipNic: 'eth0', vipResource: VIP_RESOURCE, resource: RESOURCE,
      bindir: PG17.bindir, pgdata: PG17.pgdata, pghost: '/run/postgresql', pgport: '5432', systemUser: 'postgres',
    });
    // The plan's first and last commands read and push the live CIB; the lab runs them around its commands.
    const recommended = buildPcsPlan(configure, '/tmp/cib.xml').commands.slice(1, -1).map((c) => c.argv);
    const lab = clusterCommands(spec('pgha'), '/tmp/cib.xml');
    assert.deepEqual(lab.slice(0, recommended.length), recommended);
    assert.deepEqual(lab.slice(recommended.length).map((c) => c.slice(3, 5).join(' ')), [
      'property set',
      ...['node1', 'node2', 'node3'].flatMap(() => ['stonith create', 'constraint location']),
    ]);
  });

  it('colocates the VIP with the promoted instance, ordered asymmetrically after promote and before demote', () => {
    const cmds = joined('paf');
    assert.ok(cmds.some((c) => c.endsWith(`colocation add ${VIP_RESOURCE} with Promoted ${CLONE} score=INFINITY`)));
    assert.ok(cmds.some((c) => c.endsWith(`order promote ${CLONE} then start ${VIP_RESOURCE} symmetrical=false kind=Mandatory`)));
    assert.ok(cmds.some((c) => c.endsWith(`order demote ${CLONE} then stop ${VIP_RESOURCE} symmetrical=false kind=Mandatory`)));
    assert.ok(cmds.some((c) => c.endsWith('resource defaults update migration-threshold=5 resource-stickiness=10 failure-timeout=10min')));
  });
});

describe('PostgreSQL configuration', () => {
  it('keeps node-specific files outside the data directory (base backups and rewinds copy PGDATA)', () => {
    for (const major of [15, 17, 18]) {
      const pg = labPostgresLayout(major);
      for (const path of [pg.confPath, pg.hbaPath]) assert.ok(!path.startsWith(`${pg.pgdata}/`), path);
    }
  });

  it('streams from the VIP under the node name, with WAL settings fit for rewind', () => {
    const conf = labPostgresqlConf(nodeLayout(2), PG17);
    assert.match(conf, /primary_conninfo = 'host=10\.213\.7\.100 port=5432 user=postgres application_name=node2 /);
    for (const setting of ["hba_file = '/var/lib/postgresql/17/pgha-lab-hba.conf'", "listen_addresses = '*'", 'wal_level = replica', 'hot_standby = on', 'wal_log_hints = on', "recovery_target_timeline = 'latest'"]) {
      assert.ok(conf.includes(setting), setting);
    }
    assert.match(conf, /wal_keep_size = '\d+MB'/);
  });

  it('rejects replication from the VIP, the node itself and local, before allowing the lab network', () => {
    const lines = labPgHba(nodeLayout(3)).split('\n').filter((l) => l.startsWith('local') || l.startsWith('host'));
    const idx = (re: RegExp) => lines.findIndex((l) => re.test(l));
    const allow = idx(/replication\s+all\s+10\.213\.7\.0\/24\s+trust/);
    for (const re of [/^local\s+replication.*reject/, /replication\s+all\s+10\.213\.7\.100\/32\s+reject/, /replication\s+all\s+10\.213\.7\.13\/32\s+reject/, /replication\s+all\s+127\.0\.0\.0\/8\s+reject/]) {
      const at = idx(re);
      assert.ok(at >= 0 && at < allow, `${re} comes before the allow line`);
    }
  });
});

describe('host packages', () => {
  it('asks for the package of each missing file, once', () => {
    const present = new Map(REQUIRED_FILES.map((f) => [f.path, true]));
    assert.deepEqual(missingPackages(present), []);
    present.set('/usr/sbin/corosync', false);
    present.set('/usr/sbin/nft', false);
    assert.deepEqual(missingPackages(present), ['corosync', 'nftables']);
    assert.ok(REQUIRED_FILES.every((f) => !/postgresql/.test(f.pkg)), 'PostgreSQL\'s packages depend on the major (postgresPackages)');
  });

  it('reads uid and gid from passwd text', () => {
    assert.deepEqual(parsePasswd('root:x:0:0::/root:/bin/sh\npostgres:x:101:104:PostgreSQL:/var/lib/postgresql:/bin/bash\n', 'postgres'), { uid: 101, gid: 104 });
    assert.equal(parsePasswd('root:x:0:0::/root:/bin/sh\n', 'postgres'), undefined);
  });
});
