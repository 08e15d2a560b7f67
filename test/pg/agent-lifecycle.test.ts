import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rmdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../src/exec/run.js';
import { withConnection } from '../../src/pg/sql.js';
import { isLiveProcess } from '../../src/common/proc.js';
import { processesInDataDirectory } from '../../src/pg/postmaster.js';
import { REWIND_SOURCE_FUNCTIONS } from '../../src/agent/rejoin/validate-rewind.js';
import { OCF } from '../../src/ocf/exit-codes.js';
import { runAgent } from './helpers/agent.js';
import { createPair, type TestInstance, type TestPair } from './helpers/instances.js';
import { waitStreaming } from './helpers/rejoin.js';

/**
 * The agent's whole life cycle on a real PostgreSQL primary and streaming
 * standby, invoked exactly as Pacemaker's executor would (without a cluster,
 * so score updates are logged and skipped).
 */
describe('agent life cycle on real PostgreSQL', () => {
  let pair: TestPair;
  const clone = { OCF_RESKEY_CRM_meta_clone_max: '2', OCF_RESKEY_CRM_meta_promoted_max: '1', OCF_RESKEY_CRM_meta_notify: 'true' };
  const act = (action: string, i: TestInstance, extra: Record<string, string> = {}) => runAgent(action, pair.agentEnv(i, { ...clone, ...extra }));
  const probe = (i: TestInstance) => act('monitor', i);
  const monitor = (i: TestInstance) => act('monitor', i, { OCF_RESKEY_CRM_meta_interval: '10000' });
  const sql = (i: TestInstance, text: string) =>
    withConnection({ host: i.socketDir, port: i.port, user: 'postgres' }, async (c) => (await c.query(text)).rows);
  const postmasterPid = async (i: TestInstance) => Number((await readFile(join(i.datadir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  const rowCount = async (i: TestInstance) => (await sql(i, 'select count(*)::int as n from t'))[0]!.n as number;
  /** Commits row n on the primary, then kills its postmaster: the monitor reports a failed primary. */
  const crashPrimaryAfterCommit = async (n: number) => {
    await sql(pair.primary, `insert into t values (${n})`);
    process.kill(await postmasterPid(pair.primary), 'SIGKILL');
    const failed = await monitor(pair.primary);
    assert.equal(failed.code, OCF.FAILED_PROMOTED, failed.stderr);
    assert.match(failed.reason ?? '', /crashed primary/);
  };
  /** The notify variables Pacemaker passes to each action of node1's recovery in place. */
  const inPlaceRecovery = (extra: Record<string, string>) => ({
    OCF_RESKEY_CRM_meta_notify_demote_uname: 'node1',
    OCF_RESKEY_CRM_meta_notify_promote_uname: 'node1',
    OCF_RESKEY_CRM_meta_notify_active_uname: 'node1 node2',
    OCF_RESKEY_CRM_meta_notify_all_uname: 'node1 node2',
    ...extra,
  });

  before(async () => {
    pair = await createPair(55432);
  });
  after(async () => {
    await pair?.cleanup();
  });

  it('probes a cleanly stopped instance as not running (7)', async () => {
    assert.equal((await probe(pair.primary)).code, OCF.NOT_RUNNING);
    assert.equal((await probe(pair.standby)).code, OCF.NOT_RUNNING);
  });

  it('validate-all passes on a correct configuration', async () => {
    const r = await act('validate-all', pair.primary);
    assert.equal(r.code, OCF.SUCCESS, r.stderr);
  });

  it('start brings the former primary up as a standby, idempotently', async () => {
    const first = await act('start', pair.primary);
    assert.equal(first.code, OCF.SUCCESS, first.stderr);
    assert.deepEqual(await sql(pair.primary, 'select pg_is_in_recovery() as r'), [{ r: true }]);
    assert.equal((await act('start', pair.primary)).code, OCF.SUCCESS);
    assert.equal((await monitor(pair.primary)).code, OCF.SUCCESS);
  });

  it('promote makes it a writable primary; promoting again is a no-op', async () => {
    const r = await act('promote', pair.primary);
    assert.equal(r.code, OCF.SUCCESS, r.stderr);
    assert.equal((await monitor(pair.primary)).code, OCF.RUNNING_PROMOTED);
    await sql(pair.primary, 'create table t(id int primary key)');
    assert.equal((await act('promote', pair.primary)).code, OCF.SUCCESS);
  });

  it("validate-all warns when primary_conninfo's role lacks pg_rewind's grants, with the GRANTs to run", async () => {
    await sql(pair.primary, 'create role rewinder login replication');
    try {
      // primary_conninfo as the server will read it, given in the start options (a URI: one token, no quoting).
      const asRewinder = { OCF_RESKEY_start_opts: '-c primary_conninfo=postgresql://rewinder@localhost/?application_name=node1' };
      const warned = await act('validate-all', pair.primary, asRewinder);
      assert.equal(warned.code, OCF.SUCCESS, warned.stderr);
      assert.match(warned.stderr, /WARNING: pg_rewind from another node connects as rewinder, which cannot run pg_catalog\.pg_ls_dir/);
      assert.match(warned.stderr, /GRANT EXECUTE ON FUNCTION pg_catalog\.pg_read_binary_file\(text, bigint, bigint, boolean\) TO "rewinder";/);
      for (const f of REWIND_SOURCE_FUNCTIONS) await sql(pair.primary, `grant execute on function ${f} to rewinder`);
      const granted = await act('validate-all', pair.primary, asRewinder);
      assert.doesNotMatch(granted.stderr, /cannot run/);
    } finally {
      await sql(pair.primary, 'drop owned by rewinder');
      await sql(pair.primary, 'drop role rewinder');
    }
  });

  it('the standby starts, streams from the primary and monitors as 0', async () => {
    const r = await act('start', pair.standby);
    assert.equal(r.code, OCF.SUCCESS, r.stderr);
    await sql(pair.primary, 'insert into t values (1)');
    let streaming: unknown[] = [];
    for (let i = 0; i < 50 && streaming.length === 0; i++) {
      streaming = await sql(pair.primary, "select 1 from pg_stat_replication where application_name = 'node2' and state = 'streaming'");
      if (streaming.length === 0) await new Promise((res) => setTimeout(res, 100));
    }
    assert.equal(streaming.length, 1);
    assert.equal((await monitor(pair.standby)).code, OCF.SUCCESS);
  });

  it('demote turns the primary into a standby; demoting again is a no-op', async () => {
    const r = await act('demote', pair.primary);
    assert.equal(r.code, OCF.SUCCESS, r.stderr);
    assert.equal((await monitor(pair.primary)).code, OCF.SUCCESS);
    assert.equal((await act('demote', pair.primary)).code, OCF.SUCCESS);
    const back = await act('promote', pair.primary);
    assert.equal(back.code, OCF.SUCCESS, back.stderr);
  });

  it('kill -9 of the primary postmaster is a failed primary (9), then demote recovers it in isolation to a standby', async () => {
    await crashPrimaryAfterCommit(2);
    const demoted = await act('demote', pair.primary);
    assert.equal(demoted.code, OCF.SUCCESS, demoted.stderr);
    assert.match(demoted.stderr, /crash recovery in isolation/);
    assert.equal((await monitor(pair.primary)).code, OCF.SUCCESS);
    assert.deepEqual(await sql(pair.primary, 'select count(*)::int as n from t'), [{ n: 2 }]);
    const promoted = await act('promote', pair.primary);
    assert.equal(promoted.code, OCF.SUCCESS, promoted.stderr);
  });

  it('kill -9 of the primary in a recovery in place (demote, stop, start, promote): demote leaves the crash to start, which replays it as a standby, nothing is lost', async () => {
    await crashPrimaryAfterCommit(3);
    const recovery = inPlaceRecovery({ OCF_RESKEY_CRM_meta_notify_stop_uname: 'node1', OCF_RESKEY_CRM_meta_notify_start_uname: 'node1' });
    const demoted = await act('demote', pair.primary, recovery);
    assert.equal(demoted.code, OCF.SUCCESS, demoted.stderr);
    assert.match(demoted.stderr, /nothing to demote, start recovers it/);
    assert.equal((await act('stop', pair.primary, recovery)).code, OCF.SUCCESS);
    const started = await act('start', pair.primary, recovery);
    assert.equal(started.code, OCF.SUCCESS, started.stderr);
    assert.match(started.stderr, /local WAL is replayed by the standby start, then promote/);
    assert.doesNotMatch(started.stderr, /crash recovery in isolation/);
    assert.equal((await monitor(pair.primary)).code, OCF.SUCCESS, 'a consistent standby before promote');
    assert.equal(await rowCount(pair.primary), 3, "the crashed primary's last commit was replayed");
    const promoted = await act('promote', pair.primary, recovery);
    assert.equal(promoted.code, OCF.SUCCESS, promoted.stderr);
    assert.equal((await monitor(pair.primary)).code, OCF.RUNNING_PROMOTED);
    assert.deepEqual(await sql(pair.primary, 'select count(*)::int as n from t'), [{ n: 3 }]);
  });

  it('kill -9 of the primary recovered in place by on-fail=demote (demote, promote): demote replays the crash as a standby, nothing is lost', async () => {
    await crashPrimaryAfterCommit(4);
    // No stop, no start in this transition.
    const recovery = inPlaceRecovery({ OCF_RESKEY_CRM_meta_notify_promoted_uname: 'node1' });
    const demoted = await act('demote', pair.primary, recovery);
    assert.equal(demoted.code, OCF.SUCCESS, demoted.stderr);
    assert.match(demoted.stderr, /local WAL is replayed by the standby start, then promote/);
    assert.doesNotMatch(demoted.stderr, /crash recovery in isolation|crm_attribute|promotion score/, demoted.stderr);
    assert.equal((await monitor(pair.primary)).code, OCF.SUCCESS, 'a consistent standby before promote');
    assert.equal(await rowCount(pair.primary), 4, "the crashed primary's last commit was replayed");
    const promoted = await act('promote', pair.primary, recovery);
    assert.equal(promoted.code, OCF.SUCCESS, promoted.stderr);
    assert.equal((await monitor(pair.primary)).code, OCF.RUNNING_PROMOTED);
  });

  it('kill -9 of the standby postmaster is a generic failure (1); stop then start recovers it', async () => {
    assert.equal((await monitor(pair.standby)).code, OCF.SUCCESS);
    process.kill(await postmasterPid(pair.standby), 'SIGKILL');
    const failed = await monitor(pair.standby);
    assert.equal(failed.code, OCF.ERR_GENERIC);
    assert.match(failed.reason ?? '', /crashed standby/);
    assert.equal((await act('stop', pair.standby)).code, OCF.SUCCESS);
    const started = await act('start', pair.standby);
    assert.equal(started.code, OCF.SUCCESS, started.stderr);
    assert.equal((await monitor(pair.standby)).code, OCF.SUCCESS);
  });

  it("stop after kill -9 of the standby's postmaster ends its orphaned backends, and only them (a shell in the data directory survives)", async () => {
    // A backend busy in a CPU loop does not notice its postmaster's death for a while.
    const busy = withConnection({ host: pair.standby.socketDir, port: pair.standby.port, user: 'postgres' }, (c) =>
      c.query('select count(*) from generate_series(1, 2000000000)'),
    ).catch(() => undefined);
    const bystander = spawn('sleep', ['300'], { cwd: pair.standby.datadir, stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 300));
      process.kill(await postmasterPid(pair.standby), 'SIGKILL');
      await new Promise((r) => setTimeout(r, 300));
      const stopped = await act('stop', pair.standby);
      assert.equal(stopped.code, OCF.SUCCESS, stopped.stderr);
      assert.match(stopped.stderr, /ending \d+ leftover process\(es\) of a dead postmaster/);
      assert.equal(await isLiveProcess(bystander.pid!), true, 'the sleep started in the data directory is not a postgres process: left alone');
    } finally {
      bystander.kill();
      await busy;
    }
    assert.equal((await act('start', pair.standby)).code, OCF.SUCCESS);
  });

  it('stop returns 0 only when PostgreSQL is down, and is idempotent', async () => {
    assert.equal((await act('stop', pair.standby)).code, OCF.SUCCESS);
    assert.equal((await probe(pair.standby)).code, OCF.NOT_RUNNING);
    assert.equal((await act('stop', pair.standby)).code, OCF.SUCCESS);
  });

  it('stop escalates to an immediate shutdown when a fast one hangs (a standby stopped confirming WAL), within its timeout', async () => {
    assert.equal((await act('start', pair.standby)).code, OCF.SUCCESS);
    await waitStreaming(pair.primary, pair.standby);
    // The primary's walsender waits, at shutdown, for the standby to confirm the shutdown checkpoint.
    const receiver = Number((await run('pgrep', ['-P', String(await postmasterPid(pair.standby)), '-f', 'walreceiver'])).stdout.trim());
    assert.ok(receiver > 0, 'walreceiver found');
    process.kill(receiver, 'SIGSTOP');
    try {
      const r = await act('stop', pair.primary, { OCF_RESKEY_CRM_meta_timeout: '20000' });
      assert.equal(r.code, OCF.SUCCESS, r.stderr);
      assert.ok(r.ms < 20_000, `stop took ${r.ms} ms`);
      assert.match(r.stderr, /fast shutdown did not finish in \d+s .*; using immediate shutdown/);
      assert.doesNotMatch(r.stderr, /SIGKILL/);
    } finally {
      process.kill(receiver, 'SIGCONT');
    }
    assert.equal((await act('stop', pair.standby)).code, OCF.SUCCESS);
    // The shutdown checkpoint was written before the walsender waited: cleanly stopped.
    assert.equal((await probe(pair.primary)).code, OCF.NOT_RUNNING);
  });

  it('start recovers a crashed primary in isolation before starting it as a standby', async () => {
    assert.equal((await act('start', pair.primary)).code, OCF.SUCCESS);
    assert.equal((await act('promote', pair.primary)).code, OCF.SUCCESS);
    await crashPrimaryAfterCommit(5);
    const r = await act('start', pair.primary);
    assert.equal(r.code, OCF.SUCCESS, r.stderr);
    assert.match(r.stderr, /crash recovery in isolation/);
    assert.equal((await monitor(pair.primary)).code, OCF.SUCCESS);
  });

  it('a postmaster frozen by SIGSTOP: monitor says so, and stop continues it and shuts it down cleanly', async () => {
    const pid = await postmasterPid(pair.primary);
    process.kill(pid, 'SIGSTOP');
    try {
      const failed = await monitor(pair.primary);
      assert.equal(failed.code, OCF.ERR_GENERIC, failed.stderr);
      assert.match(failed.reason ?? '', new RegExp(`not accepting connections: .*; the postmaster \\(pid ${pid}\\) is stopped by a signal \\(SIGSTOP\\)`));
      const r = await act('stop', pair.primary, { OCF_RESKEY_CRM_meta_timeout: '20000' });
      assert.equal(r.code, OCF.SUCCESS, r.stderr);
      assert.match(r.stderr, new RegExp(`process\\(es\\) ${pid} stopped by a signal \\(SIGSTOP\\): continuing them \\(SIGCONT\\)`));
      assert.doesNotMatch(r.stderr, /immediate shutdown/);
    } finally {
      if (await isLiveProcess(pid)) process.kill(pid, 'SIGCONT');
    }
    // A clean shutdown: nothing to recover, so a cleanly stopped instance.
    assert.equal((await probe(pair.primary)).code, OCF.NOT_RUNNING);
  });

  it('stop kills (SIGKILL) a postmaster that neither a fast nor an immediate shutdown ends, before its timeout', async () => {
    // A stand-in postmaster for the stopped instance: the owner's process in its data directory, deaf to SIGINT and SIGQUIT.
    const { datadir } = pair.primary;
    const { uid, gid } = await stat(datadir);
    const deaf = spawn(process.execPath, ['-e', "process.on('SIGINT', () => {}); process.on('SIGQUIT', () => {}); process.send?.('ready'); setInterval(() => {}, 60_000);"], {
      cwd: datadir,
      uid,
      gid,
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => deaf.once('exit', (_code, signal) => resolve(signal)));
    try {
      await new Promise((resolve) => deaf.once('message', resolve));
      await writeFile(join(datadir, 'postmaster.pid'), `${deaf.pid}\n${datadir}\n`);
      const r = await act('stop', pair.primary, { OCF_RESKEY_CRM_meta_timeout: '20000' });
      assert.equal(r.code, OCF.SUCCESS, r.stderr);
      assert.ok(r.ms < 20_000, `stop took ${r.ms} ms`);
      assert.match(r.stderr, /using immediate shutdown/);
      assert.match(r.stderr, new RegExp(`immediate shutdown did not end the postmaster \\(pid ${deaf.pid}, state [A-Z]\\): killing it \\(SIGKILL\\)`));
      assert.equal(await exited, 'SIGKILL');
      // Its pid is gone (reaped, not a zombie): postmaster.pid is left for PostgreSQL's next start to clear.
      assert.equal(existsSync(join(datadir, 'postmaster.pid')), true);
      assert.doesNotMatch(r.stderr, /removed .*postmaster\.pid/);
    } finally {
      deaf.kill('SIGKILL');
    }
    assert.equal((await probe(pair.primary)).code, OCF.NOT_RUNNING);
  });

  it('a stop that cannot end PostgreSQL (its processes frozen in the kernel, deaf to SIGKILL) fails before the action timeout, with a reason', async () => {
    assert.equal((await act('start', pair.primary)).code, OCF.SUCCESS);
    // The cgroup v1 freezer holds processes in uninterruptible sleep (D), as a hung disk would: not even SIGKILL ends them.
    const cgroup = `/sys/fs/cgroup/freezer/pgha-test-${process.pid}`;
    await mkdir(cgroup);
    const processes = await processesInDataDirectory(pair.primary.datadir);
    try {
      for (const pid of processes) await writeFile(join(cgroup, 'cgroup.procs'), String(pid));
      await writeFile(join(cgroup, 'freezer.state'), 'FROZEN');
      const r = await act('stop', pair.primary, { OCF_RESKEY_CRM_meta_timeout: '15000' });
      assert.equal(r.code, OCF.ERR_GENERIC, r.stderr);
      assert.ok(r.ms < 15_000, `stop took ${r.ms} ms, past its timeout`);
      assert.match(r.stderr, /killing it \(SIGKILL\)/);
      assert.match(r.reason ?? '', /still running after fast and immediate shutdown and SIGKILL/);
    } finally {
      await writeFile(join(cgroup, 'freezer.state'), 'THAWED');
    }
    // Thawed, the pending SIGKILL ends the postmaster; stop ends what it left.
    assert.equal((await act('stop', pair.primary)).code, OCF.SUCCESS);
    await rmdir(cgroup);
    // The next start frees the killed instance's shared memory, found through the postmaster.pid left in place.
    const segments = async () => (await readdir('/dev/shm')).filter((f) => f.startsWith('PostgreSQL.')).length;
    const leftBehind = await segments();
    assert.ok(leftBehind > 0, 'a SIGKILLed instance leaves its dynamic shared memory');
    assert.equal((await act('start', pair.primary)).code, OCF.SUCCESS);
    assert.equal((await act('stop', pair.primary)).code, OCF.SUCCESS);
    assert.ok((await segments()) < leftBehind, 'freed by the next start');
  });
});
