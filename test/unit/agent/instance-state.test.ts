import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseControldata } from '../../../src/pg/controldata.js';
import { classifyInstance, type InstanceObservation } from '../../../src/pg/instance-state.js';
import { monitorExitCode } from '../../../src/agent/monitor-exit-code.js';
import { OCF } from '../../../src/ocf/exit-codes.js';

const observe = (o: Partial<InstanceObservation>): InstanceObservation => ({
  clusterState: 'shut down',
  postmasterRunning: false,
  inRecovery: undefined,
  backupLabel: false,
  ...o,
});

describe('classifyInstance and monitorExitCode', () => {
  const cases: [string, Partial<InstanceObservation>, string, number][] = [
    ['SQL says not in recovery', { inRecovery: false, postmasterRunning: true, clusterState: 'in production' }, 'primary', OCF.RUNNING_PROMOTED],
    ['SQL says in recovery', { inRecovery: true, postmasterRunning: true, clusterState: 'in archive recovery' }, 'standby', OCF.SUCCESS],
    ['clean stop of a primary', { clusterState: 'shut down' }, 'stopped', OCF.NOT_RUNNING],
    ['clean stop of a standby', { clusterState: 'shut down in recovery' }, 'stopped', OCF.NOT_RUNNING],
    ['no postmaster, in production', { clusterState: 'in production' }, 'crashed-primary', OCF.FAILED_PROMOTED],
    ['no postmaster, crashed during crash recovery', { clusterState: 'in crash recovery' }, 'crashed-primary', OCF.FAILED_PROMOTED],
    ['no postmaster, in archive recovery', { clusterState: 'in archive recovery' }, 'crashed-standby', OCF.ERR_GENERIC],
    ['a never-started base backup', { clusterState: 'in production', backupLabel: true }, 'stopped', OCF.NOT_RUNNING],
    ['postmaster starting up', { clusterState: 'in archive recovery', postmasterRunning: true }, 'transitional', OCF.ERR_GENERIC],
    ['postmaster up, SQL refused, steady state', { clusterState: 'in production', postmasterRunning: true }, 'unresponsive', OCF.ERR_GENERIC],
    ['no pg_control, no postmaster', { clusterState: undefined }, 'no-data', OCF.NOT_RUNNING],
  ];
  for (const [name, o, state, code] of cases) {
    it(name, () => {
      const s = classifyInstance(observe(o));
      assert.equal(s, state);
      assert.equal(monitorExitCode(s), code);
    });
  }
});

describe('parseControldata', () => {
  const text = `pg_control version number:            1300
Database cluster state:               shut down in recovery
Latest checkpoint location:           0/3000060
Latest checkpoint's REDO location:    0/3000028
Latest checkpoint's TimeLineID:       2
Minimum recovery ending location:     0/3000110
Min recovery ending loc's timeline:   2
wal_level setting:                    replica
wal_log_hints setting:                on
Data page checksum version:           1
`;
  it('reads state, positions, timeline and rewind prerequisites', () => {
    const c = parseControldata(text);
    assert.equal(c.state, 'shut down in recovery');
    assert.equal(c.checkpointLsn, 0x3000060n);
    assert.equal(c.checkpointTimeline, 2);
    assert.equal(c.minRecoveryEndLsn, 0x3000110n);
    assert.equal(c.walLevel, 'replica');
    assert.equal(c.walLogHints, true);
    assert.equal(c.dataChecksums, true);
  });
  it('rejects output without a cluster state, or with an unknown one', () => {
    assert.throws(() => parseControldata('pg_control version number: 1300\n'), /Database cluster state/);
    assert.throws(() => parseControldata(text.replace('shut down in recovery', 'dancing')), /unknown database cluster state/);
  });
});
