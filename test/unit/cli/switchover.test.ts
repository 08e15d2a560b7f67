import { test } from 'node:test';
import assert from 'node:assert/strict';
import { switchoverAction } from '../../../src/cli/switchover/switchover.js';
import { CliError, EXIT } from '../../../src/cli/errors.js';
import { run, type RunOptions, type RunResult } from '../../../src/exec/run.js';
import type { PgProbe, PgTarget } from '../../../src/pg/pg-probe.js';
import { fixture, fixtureRunner, ok } from '../pacemaker/fixtures.js';

const ADDR: Record<string, string> = { '10.20.0.11': 'node1', '10.20.0.12': 'node2', '10.20.0.13': 'node3' };
const pgs: Record<string, PgProbe> = {
  node1: { reachable: true, inRecovery: false, currentLsn: '0/5000000', replication: [
    { applicationName: 'node2', state: 'streaming', syncState: 'async' }, { applicationName: 'node3', state: 'streaming', syncState: 'async' }] },
  node2: { reachable: true, inRecovery: true, replayLsn: '0/5000000', receiverStatus: 'streaming', replication: [] },
  node3: { reachable: true, inRecovery: true, replayLsn: '0/4000000', receiverStatus: 'streaming', replication: [] },
};
const probe = async (t: PgTarget) => pgs[ADDR[t.host]!]!;

function setup() {
  const { runner: fixtures } = fixtureRunner('healthy');
  const calls: string[] = [];
  // Pacemaker's offline tools run for real (on a copy of the fixture CIB); a live move must never happen here.
  const runner = async (file: string, args: readonly string[], options?: RunOptions): Promise<RunResult> => {
    calls.push([file, ...args].join(' '));
    if (file === 'crm_resource' && !options?.env?.CIB_file) throw new Error('live crm_resource in a unit test');
    if (file === 'cibadmin') return ok('cibadmin -Q', fixture('healthy.cib.xml'));
    if (file === 'crm_resource' || file === 'crm_simulate') return run(file, args, options);
    return fixtures(file, args, options);
  };
  const out: string[] = [];
  const gather = { runner, probe, hosts: new Map(), pgTimeoutMs: 100 };
  const io = { runner, probe, isWritable: async () => true, out: (t: string) => out.push(t) };
  return { gather, io, out, calls };
}

test('--dry-run: checks pass, the simulated plan is shown, nothing is moved', async () => {
  const { gather, io, out, calls } = setup();
  await switchoverAction({ to: 'node2', dryRun: true, maxLag: 1 << 20, timeout: 60, host: [] }, gather, io);
  const text = out.join('');
  assert.match(text, /^switchover node1 -> node2 \(pgsqld-clone\); checks passed\. Pacemaker will:$/m);
  assert.match(text, /^  Promote pgsqld:1 \( Unpromoted -> Promoted node2 \)$/m);
  assert.match(text, /^dry run: nothing changed$/m);
  assert.equal(calls.filter((c) => c.startsWith('crm_resource')).length, 1);
});

test('a lagging target is refused with EXIT.CHECK_FAILED and the reason', async () => {
  const { gather, io, calls } = setup();
  await assert.rejects(switchoverAction({ to: 'node3', maxLag: 1024, timeout: 60, host: [] }, gather, io), (e: unknown) => {
    assert.ok(e instanceof CliError);
    assert.equal(e.exitCode, EXIT.CHECK_FAILED);
    assert.equal(e.message, 'switchover refused:\n  - node3 lags 16777216 bytes behind the primary (limit --max-lag 1024)');
    return true;
  });
  assert.ok(!calls.some((c) => c.startsWith('crm_resource') || c.startsWith('crm_simulate')));
});
