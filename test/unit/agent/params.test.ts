import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseParams, syncParams } from '../../../src/agent/params.js';
import { OCF, OcfError } from '../../../src/ocf/exit-codes.js';

describe('parseParams', () => {
  it("applies PAF's defaults and PAF's meanings", () => {
    const p = parseParams({ bindir: '/usr/lib/postgresql/15/bin' }, 'pgsqld');
    assert.equal(p.pgdata, '/var/lib/pgsql/data');
    assert.equal(p.datadir, '/var/lib/pgsql/data');
    assert.equal(p.pghost, '/var/run/postgresql');
    assert.equal(p.pgport, 5432);
    assert.equal(p.systemUser, 'postgres');
    assert.equal(p.maxlag, 0n);
  });
  it('keeps a separate datadir (Debian layout: configuration outside the data directory)', () => {
    const p = parseParams({ pgdata: '/etc/postgresql/15/main', datadir: '/var/lib/postgresql/15/main' }, 'pg');
    assert.equal(p.pgdata, '/etc/postgresql/15/main');
    assert.equal(p.datadir, '/var/lib/postgresql/15/main');
  });
  const invalid: [Record<string, string>, RegExp][] = [
    [{ pgport: 'abc' }, /pgport="abc".*whole number/],
    [{ pgport: '70000' }, /pgport="70000".*between 1 and 65535/],
    [{ maxlag: '-5' }, /maxlag="-5"/],
    [{ pgdata: 'relative/dir' }, /pgdata="relative\/dir".*absolute path/],
    [{ bindir: 'bin' }, /bindir="bin"/],
    [{ system_user: 'bad user' }, /system_user/],
  ];
  for (const [raw, message] of invalid) {
    it(`rejects ${JSON.stringify(raw)} as a configuration error naming the parameter`, () => {
      assert.throws(
        () => parseParams(raw, 'pg'),
        (e: unknown) => e instanceof OcfError && e.exitCode === OCF.ERR_CONFIGURED && message.test(e.reason),
      );
    });
  }
});

describe('syncParams', () => {
  it("reads sync_mode and sync_count as the agent does: the registry's defaults, the same validation", () => {
    assert.deepEqual(syncParams({}), { syncMode: 'off', syncCount: 1 });
    assert.deepEqual(syncParams({ sync_mode: 'quorum', sync_count: '2', pgdata: 'ignored: not checked here' }), { syncMode: 'quorum', syncCount: 2 });
    assert.throws(
      () => syncParams({ sync_mode: 'sometimes' }),
      (e: unknown) => e instanceof OcfError && e.exitCode === OCF.ERR_CONFIGURED && /sync_mode="sometimes".*off, quorum or strict/.test(e.reason),
    );
  });
});
