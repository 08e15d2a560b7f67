import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, link, mkdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { OCF } from '../../src/ocf/exit-codes.js';
import { isLiveProcess } from '../../src/common/proc.js';
import { runningPostmasterPid } from '../../src/pg/postmaster.js';
import { withConnection } from '../../src/pg/sql.js';
import { runAgent } from './helpers/agent.js';
import { createPair, type TestPair } from './helpers/instances.js';

/**
 * Hostile and careless input to the agent, on a real PostgreSQL: links
 * planted where root writes, parameters that break the binaries or the
 * connection while PostgreSQL runs, data directories that are no data
 * directory. Each gets the exact OCF code, a clear reason, and nothing
 * written, nor any process killed, that is not the instance's.
 */
describe('bad input to the agent on real PostgreSQL', () => {
  let pair: TestPair;
  const clone = { OCF_RESKEY_CRM_meta_clone_max: '2', OCF_RESKEY_CRM_meta_promoted_max: '1', OCF_RESKEY_CRM_meta_notify: 'true' };
  const act = (action: string, extra: Record<string, string> = {}) => runAgent(action, pair.agentEnv(pair.primary, { ...clone, ...extra }));
  const running = () => runningPostmasterPid(pair.primary.datadir);
  /** A root-owned file outside the data directory, standing for /etc/shadow. */
  const plantVictim = async () => {
    const victim = join(pair.base, 'victim');
    await writeFile(victim, 'root:secret\n', { mode: 0o644 });
    return victim;
  };
  const assertUntouched = async (victim: string) => {
    assert.equal(await readFile(victim, 'utf8'), 'root:secret\n');
    const info = await stat(victim);
    assert.deepEqual([info.uid, info.gid, info.mode & 0o777], [0, 0, 0o644]);
  };

  before(async () => {
    pair = await createPair(55480);
  });
  after(async () => {
    await pair?.cleanup();
  });

  for (const plant of [symlink, link]) {
    it(`start refuses a standby.signal planted as a ${plant === symlink ? 'symbolic' : 'hard'} link to a root file, leaving it alone`, async () => {
      const victim = await plantVictim();
      const signal = join(pair.primary.datadir, 'standby.signal');
      await plant(victim, signal);
      try {
        const r = await act('start');
        assert.equal(r.code, OCF.ERR_GENERIC, r.stderr);
        assert.match(r.reason ?? '', /refusing to touch .*standby\.signal as root: it (is a symbolic link|has 2 hard links)/);
        await assertUntouched(victim);
        assert.equal(await running(), undefined, 'PostgreSQL was not started');
      } finally {
        await rm(signal);
        await rm(victim);
      }
    });
  }

  it('start_opts reach postgres as words, never through a shell; a log path a shell would read is a configuration error', async () => {
    const pwned = join(pair.base, 'pwned');
    const r = await act('start', { OCF_RESKEY_start_opts: `-c "cluster_name=x$(touch ${pwned})" -c 'application_name=a;b'` });
    assert.equal(r.code, OCF.SUCCESS, r.stderr);
    const rows = await withConnection({ host: pair.primary.socketDir, port: pair.primary.port, user: 'postgres' }, async (c) => (await c.query('show cluster_name')).rows);
    assert.deepEqual(rows, [{ cluster_name: `x$(touch ${pwned})` }]);
    assert.equal(existsSync(pwned), false, 'no shell ran the option');
    assert.equal((await act('stop')).code, OCF.SUCCESS);
    for (const logfile of [`${pair.base}/$(touch ${pwned}).log`, `${pair.base}/a\`b\`.log`, `${pair.base}/a"b.log`, `${pair.base}/a\nb.log`]) {
      const bad = await act('start', { OCF_RESKEY_logfile: logfile });
      assert.equal(bad.code, OCF.ERR_CONFIGURED, bad.stderr);
      assert.match(bad.stderr, /ERROR: parameter logfile=.* is invalid: logfile must not contain control characters, double quotes/);
    }
    assert.equal(existsSync(pwned), false);
    assert.equal(await running(), undefined);
  });

  it('a probe while PostgreSQL runs is never "not running", whatever bindir, pghost and pgport say', async () => {
    assert.equal((await act('start')).code, OCF.SUCCESS);
    const broken = { OCF_RESKEY_bindir: '/nonexistent', OCF_RESKEY_pghost: '/nonexistent', OCF_RESKEY_pgport: '1' };
    const r = await act('monitor', broken);
    assert.equal(r.code, OCF.ERR_GENERIC, r.stderr);
    assert.match(r.reason ?? '', /a postmaster \(pid \d+\) runs in .*node1, but .*bindir/);
    const tcp = await act('monitor', { OCF_RESKEY_bindir: '/nonexistent', OCF_RESKEY_pghost: '192.0.2.1' });
    assert.notEqual(tcp.code, OCF.NOT_RUNNING, tcp.stderr);
  });

  it('stop with an invalid parameter still stops PostgreSQL (sync_mode=bogus, pgport=abc)', async () => {
    const cases: Record<string, string>[] = [{ OCF_RESKEY_sync_mode: 'bogus' }, { OCF_RESKEY_pgport: 'abc' }, { OCF_RESKEY_bindir: '/nonexistent', OCF_RESKEY_system_user: 'nobody' }];
    for (const bad of cases) {
      if ((await running()) === undefined) assert.equal((await act('start')).code, OCF.SUCCESS);
      const r = await act('stop', bad);
      assert.equal(r.code, OCF.SUCCESS, r.stderr);
      assert.equal(await running(), undefined, `PostgreSQL still runs after stop with ${JSON.stringify(bad)}`);
    }
    assert.equal((await act('monitor')).code, OCF.NOT_RUNNING);
  });

  it('stop fails loudly, PostgreSQL left running, when not even the data directory is usable', async () => {
    assert.equal((await act('start')).code, OCF.SUCCESS);
    const r = await act('stop', { OCF_RESKEY_pgdata: 'relative/dir', OCF_RESKEY_pgport: 'abc' });
    assert.equal(r.code, OCF.ERR_CONFIGURED, r.stderr);
    assert.match(r.reason ?? '', /cannot stop: .*no usable data directory/);
    assert.notEqual(await running(), undefined);
    assert.equal((await act('stop')).code, OCF.SUCCESS);
  });

  describe('stop kills only the instance\'s processes', () => {
    const canaries: ChildProcess[] = [];
    /** A long-running process called postgres, as the instance's owner, working in `cwd`. */
    const canary = async (cwd: string, asOwner = true): Promise<ChildProcess> => {
      const binary = join(pair.base, 'postgres');
      await copyFile('/bin/sleep', binary).catch(() => undefined);
      const { uid, gid } = await stat(pair.primary.datadir);
      const child = spawn(binary, ['300'], { cwd, stdio: 'ignore', ...(asOwner ? { uid, gid } : {}) });
      canaries.push(child);
      await new Promise((resolve) => setTimeout(resolve, 100));
      return child;
    };
    after(() => {
      for (const c of canaries) c.kill('SIGKILL');
    });

    it('pgdata=/ matches no process working in /', async () => {
      const rootCanary = await canary('/', false);
      const r = await act('stop', { OCF_RESKEY_pgdata: '/' });
      assert.equal(r.code, OCF.SUCCESS, r.stderr);
      assert.ok(await isLiveProcess(rootCanary.pid!));
    });

    it('a directory without PG_VERSION, with a postgres process in it and a planted postmaster.pid naming it, is left alone', async () => {
      const dir = join(pair.base, 'not-a-cluster');
      await mkdir(dir);
      const { uid, gid } = await stat(pair.primary.datadir);
      const { chown } = await import('node:fs/promises');
      await chown(dir, uid, gid);
      const child = await canary(dir);
      const rootShell = await canary(pair.primary.datadir, false);
      await writeFile(join(pair.primary.datadir, 'postmaster.pid'), `${rootShell.pid}\n${pair.primary.datadir}\n`);
      try {
        for (const pgdata of [dir, pair.primary.datadir]) {
          const r = await act('stop', { OCF_RESKEY_pgdata: pgdata });
          assert.equal(r.code, OCF.SUCCESS, r.stderr);
        }
        assert.ok(await isLiveProcess(child.pid!), 'the process in a directory that is no cluster was not killed');
        assert.ok(await isLiveProcess(rootShell.pid!), 'a root process named by a planted postmaster.pid was not signalled');
      } finally {
        await rm(join(pair.primary.datadir, 'postmaster.pid'), { force: true });
      }
      assert.equal((await act('monitor')).code, OCF.NOT_RUNNING);
    });
  });
});
