import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CibOperation } from '../../../src/pacemaker/cib.js';
import { describeRecoveryWarning, recoveryWarnings } from '../../../src/cli/configure/recovery-settings.js';

const promotedMonitor = (onFail?: string, role = 'Promoted'): CibOperation => ({ name: 'monitor', interval: '3s', role, ...(onFail ? { onFail } : {}) });
const unpromotedMonitor: CibOperation = { name: 'monitor', interval: '4s', role: 'Unpromoted' };
const demote = (onFail?: string): CibOperation => ({ name: 'demote', interval: '0s', ...(onFail ? { onFail } : {}) });

test("pgha configure's recovery: nothing to say", () => {
  assert.deepEqual(recoveryWarnings([demote('restart'), promotedMonitor('demote'), unpromotedMonitor]), []);
});

test("a Promoted monitor without on-fail=demote restarts the primary (PAF's quick start, or a CIB from before)", () => {
  assert.deepEqual(recoveryWarnings([demote(), promotedMonitor(), unpromotedMonitor]), [{ kind: 'primary-restarted', onFail: 'restart (default)' }]);
  assert.deepEqual(recoveryWarnings([promotedMonitor('restart', 'Master')]), [{ kind: 'primary-restarted', onFail: 'restart' }]);
  assert.match(describeRecoveryWarning(recoveryWarnings([promotedMonitor()])[0]!), /on-fail=restart \(default\): .*demote, stop, start and promote; on-fail=demote/);
});

test('on-fail=demote with a demote that has no on-fail of its own: demote would inherit demote', () => {
  const [warning] = recoveryWarnings([demote(), promotedMonitor('DEMOTE')]);
  assert.deepEqual(warning, { kind: 'demote-inherits-demote' });
  assert.match(describeRecoveryWarning(warning!), /set on-fail=restart on demote/);
});

test('no Promoted recurring monitor (a probe-only or unpromoted-only configuration): nothing to judge', () => {
  assert.deepEqual(recoveryWarnings([unpromotedMonitor, { name: 'monitor', interval: '0', role: 'Promoted' }]), []);
});
