import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConninfo } from '../../../src/pg/conninfo.js';
import { replicationSettingProblems, splitOptions } from '../../../src/pg/settings.js';

describe('parseConninfo', () => {
  it('reads keyword=value strings with quotes and escapes', () => {
    const c = parseConninfo("host=10.0.0.100 port=5432 user=replicator password='it\\'s x' application_name='node 1'");
    assert.equal(c.get('host'), '10.0.0.100');
    assert.equal(c.get('application_name'), 'node 1');
    assert.equal(c.get('password'), "it's x");
  });
  it('reads what pg_basebackup -R writes', () => {
    const c = parseConninfo("user=postgres passfile='/var/lib/postgresql/.pgpass' channel_binding=prefer host=10.1.1.1 port=5432 sslmode=prefer application_name=node2");
    assert.equal(c.get('application_name'), 'node2');
  });
  it('reads URIs', () => {
    const c = parseConninfo('postgresql://rep:s%40cret@vip:5433/postgres?application_name=node3');
    assert.equal(c.get('password'), 's@cret');
    assert.equal(c.get('host'), 'vip');
    assert.equal(c.get('port'), '5433');
    assert.equal(c.get('application_name'), 'node3');
  });
});

describe('replicationSettingProblems', () => {
  const good = { walLevel: 'replica', hotStandby: 'on', primaryConninfo: 'host=vip application_name=node1', recoveryTargetTimeline: 'latest' };
  it('accepts a correct configuration', () => assert.deepEqual(replicationSettingProblems(good, 'node1'), []));
  it('requires application_name to be the exact node name (no substring match: srv1 is not srv10)', () => {
    assert.match(replicationSettingProblems({ ...good, primaryConninfo: 'host=vip application_name=node10' }, 'node1')[0]!, /application_name=node10.*node1/);
  });
  it('names each problem with its fix', () => {
    const problems = replicationSettingProblems({ walLevel: 'minimal', hotStandby: 'off', primaryConninfo: '', recoveryTargetTimeline: 'current' }, 'node1');
    assert.equal(problems.length, 4);
    assert.match(problems.join('\n'), /wal_level = replica/);
    assert.match(problems.join('\n'), /hot_standby = on/);
    assert.match(problems.join('\n'), /recovery_target_timeline/);
  });
});

describe('splitOptions', () => {
  it('splits pg_ctl -o style options into words', () => {
    assert.deepEqual(splitOptions("-c config_file=/etc/postgresql/15/main/postgresql.conf -c 'search_path=a b'"), [
      '-c',
      'config_file=/etc/postgresql/15/main/postgresql.conf',
      '-c',
      'search_path=a b',
    ]);
    assert.deepEqual(splitOptions(''), []);
    assert.deepEqual(splitOptions("-c listen_addresses=''"), ['-c', 'listen_addresses=']);
  });
});
