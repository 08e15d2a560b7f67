import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { chmod, link, readdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../src/exec/run.js';
import { OCF } from '../../src/ocf/exit-codes.js';
import { DIVERGENCE_CHECK_AFTER_MS } from '../../src/rejoin/divergence.js';
import { sleep } from '../../src/exec/deadline.js';
import { runAgent } from './helpers/agent.js';
import { createPair, PG_BIN, PG_MAJOR, type PairOptions, type TestInstance, type TestPair } from './helpers/instances.js';
import { CLI, CLONE, digest, failoverWithLostWrites, ok, sql, startPair, waitStreaming, type Act } from './helpers/rejoin.js';

/**
 * An old primary that wrote WAL the new primary never received comes back:
 * with rejoin=rewind it rewinds and streams by itself, with the discarded WAL
 * kept; rejoin=manual refuses and `pgha rewind` brings it back; without
 * wal_log_hints nor checksums a rewind refuses untouched and a re-clone works.
 */
const pairs: TestPair[] = [];

async function newPair(port: number, options?: PairOptions): Promise<TestPair> {
  const pair = await createPair(port, options);
  pairs.push(pair);
  return pair;
}
after(async () => {
  for (const pair of pairs) await pair.cleanup();
});

const actOn =
  (pair: TestPair): Act =>
  (action, i, extra = {}) =>
    runAgent(action, pair.agentEnv(i, { ...CLONE, OCF_RESKEY_rewind_archive_dir: join(pair.base, 'archive'), ...extra }));
const act = (pair: TestPair, action: string, i: TestInstance, extra?: Record<string, string>) => actOn(pair)(action, i, extra);

async function manifests(pair: TestPair): Promise<{ dir: string; manifest: Record<string, any> }[]> {
  const root = join(pair.base, 'archive');
  const dirs = (await readdir(root).catch(() => [])).sort();
  return Promise.all(dirs.map(async (d) => ({ dir: join(root, d), manifest: JSON.parse(await readFile(join(root, d, 'manifest.json'), 'utf8')) })));
}

describe(`rejoin of a diverged old primary (real PostgreSQL ${PG_MAJOR})`, () => {
  it('rejoin=rewind: a crashed old primary is rewound, streams from the new primary, and the discarded WAL is archived', async () => {
    const pair = await newPair(55480);
    const { primary: node1, standby: node2 } = pair;
    await startPair(actOn(pair), node1, node2);
    await failoverWithLostWrites(actOn(pair), node1, node2, true);
    const started = await ok(act(pair, 'start', node1));
    assert.match(started.stderr, /diverged/);
    assert.match(started.stderr, /rejoined by rewind/);
    assert.doesNotMatch(started.stderr, /crash recovery in isolation/);
    await waitStreaming(node2, node1);
    assert.deepEqual(await sql(node1, "select count(*)::int as n from t where what = 'lost'"), [{ n: 0 }]);
    assert.deepEqual(await sql(node1, "select count(*)::int as n from t where what = 'after failover'"), [{ n: 1 }]);
    // node1's own configuration survived the rewind (pg_rewind copies node2's).
    assert.match(await readFile(join(node1.datadir, 'postgresql.conf'), 'utf8'), new RegExp(`port = ${node1.port}\\n`));
    const [evidence] = await manifests(pair);
    assert.ok(evidence, 'a manifest was written');
    const m = evidence.manifest;
    assert.equal(m.copied, true, m.warning);
    // node1 was promoted once (timeline 2), node2 once after it (timeline 3).
    assert.equal(m.localTimeline, 2);
    assert.equal(m.forkTimeline, 2);
    assert.equal(m.newTimeline, 3);
    assert.equal(m.node, 'node1');
    assert.ok(m.files.length > 0);
    const dump = await run(`${PG_BIN}/pg_waldump`, ['--path', evidence.dir, '--timeline', String(m.forkTimeline), '--start', m.discardedRange.from, '--end', m.discardedRange.to], { timeoutMs: 30_000 });
    assert.equal(dump.exitCode, 0, dump.stderr);
    assert.match(dump.stdout, /rmgr: Heap .*INSERT/);
    assert.equal((await act(pair, 'monitor', node1, { OCF_RESKEY_CRM_meta_interval: '10000' })).code, OCF.SUCCESS);
  });

  for (const plant of ['symbolic', 'hard'] as const) {
    it(`a diverged WAL segment planted as a ${plant} link to root's file: the evidence copy refuses it, reads nothing, and the next start rejoins`, async () => {
      const pair = await newPair(plant === 'symbolic' ? 55490 : 55492);
      const { primary: node1, standby: node2 } = pair;
      await startPair(actOn(pair), node1, node2);
      await failoverWithLostWrites(actOn(pair), node1, node2, false);
      // After a clean stop, the shutdown checkpoint lies in the last segment of the WAL the rewind discards.
      const control = await run(`${PG_BIN}/pg_controldata`, [node1.datadir], { timeoutMs: 10_000 });
      const segment = /Latest checkpoint's REDO WAL file:\s+(\S+)/.exec(control.stdout)?.[1];
      assert.ok(segment, control.stdout);
      const rootFile = join(pair.base, 'root-secret');
      await writeFile(rootFile, 'root-only-secret-content\n');
      await chmod(rootFile, 0o600);
      const real = join(node1.datadir, 'pg_wal', segment);
      await rename(real, `${real}.moved`);
      await (plant === 'symbolic' ? symlink(rootFile, real) : link(rootFile, real));
      const refused = await act(pair, 'start', node1);
      assert.equal(refused.code, OCF.ERR_GENERIC, refused.stderr);
      assert.match(refused.reason ?? '', new RegExp(`refusing to touch .*${segment} as root`));
      assert.match(refused.stderr, plant === 'symbolic' ? /it is a symbolic link/ : /it has 2 hard links/);
      const rootAfter = await stat(rootFile);
      assert.deepEqual([rootAfter.uid, rootAfter.mode & 0o777, await readFile(rootFile, 'utf8')], [0, 0o600, 'root-only-secret-content\n'], "root's file untouched");
      if (plant === 'hard') await rm(real);
      const archived = await run('grep', ['-rl', 'root-only-secret', join(pair.base, 'archive')], { timeoutMs: 10_000 });
      assert.equal(archived.stdout, '', "root's file was not copied into the evidence archive");
      // The operator removes the planted link: the next start rejoins by itself.
      await rename(`${real}.moved`, real);
      await ok(act(pair, 'stop', node1));
      const started = await ok(act(pair, 'start', node1));
      assert.match(started.stderr, /rejoined by rewind/);
      await waitStreaming(node2, node1);
    });
  }

  it('rejoin=manual refuses to start with the command to run; pgha rewind brings the node back', async () => {
    const pair = await newPair(55482);
    const { primary: node1, standby: node2 } = pair;
    await startPair(actOn(pair), node1, node2);
    await failoverWithLostWrites(actOn(pair), node1, node2, false);
    const before = await digest(node1.datadir);
    const refused = await act(pair, 'start', node1, { OCF_RESKEY_rejoin: 'manual' });
    assert.equal(refused.code, OCF.ERR_GENERIC, refused.stderr);
    assert.match(refused.reason ?? '', /diverged.*pgha rewind/);
    assert.equal(await digest(node1.datadir), before, 'manual: the data directory is untouched');
    const flags = ['--pgdata', node1.datadir, '--bindir', PG_BIN, '--node', 'node1', '--archive-dir', join(pair.base, 'archive')];
    const dry = await run(process.execPath, [CLI, 'rewind', ...flags, '--dry-run'], { timeoutMs: 60_000 });
    assert.equal(dry.exitCode, 0, dry.stderr);
    assert.match(dry.stdout, /dry run/);
    assert.equal(await digest(node1.datadir), before, 'dry run: the data directory is untouched');
    // Every refusal comes before the question, dry run or not: here a node name primary_conninfo does not carry.
    const wrongNode = flags.map((flag) => (flag === 'node1' ? 'node9' : flag));
    for (const extra of [['--dry-run'], []]) {
      const refusedFirst = await run(process.execPath, [CLI, 'rewind', ...wrongNode, ...extra], { timeoutMs: 60_000 });
      assert.notEqual(refusedFirst.exitCode, 0, refusedFirst.stdout);
      assert.match(refusedFirst.stderr, /could not start as a standby afterwards: .*node9/);
      assert.doesNotMatch(refusedFirst.stderr, /confirm/);
    }
    assert.equal(await digest(node1.datadir), before, 'refused: the data directory is untouched');
    // Without a terminal to confirm on, nothing changes without --yes.
    const unconfirmed = await run(process.execPath, [CLI, 'rewind', ...flags], { timeoutMs: 60_000 });
    assert.equal(unconfirmed.exitCode, 2, unconfirmed.stderr);
    assert.match(unconfirmed.stderr, /confirm on a terminal, or pass --yes/);
    assert.equal(await digest(node1.datadir), before, 'not confirmed: the data directory is untouched');
    const rewound = await run(process.execPath, [CLI, 'rewind', ...flags, '--yes'], { timeoutMs: 60_000 });
    assert.equal(rewound.exitCode, 0, rewound.stderr);
    assert.match(rewound.stdout, /rewound .* in \d+\.\d+s/);
    await ok(act(pair, 'start', node1, { OCF_RESKEY_rejoin: 'manual' }));
    await waitStreaming(node2, node1);
    // The CLI refuses while PostgreSQL runs.
    const running = await run(process.execPath, [CLI, 'rewind', ...flags], { timeoutMs: 60_000 });
    assert.notEqual(running.exitCode, 0);
    assert.match(running.stderr, /running/);
  });

  it('without wal_log_hints nor checksums, rejoin=rewind refuses untouched and rejoin=reclone re-clones', async () => {
    const pair = await newPair(55484, { dataChecksums: false, walLogHints: false });
    const { primary: node1, standby: node2 } = pair;
    const validate = await act(pair, 'validate-all', node1);
    assert.equal(validate.code, OCF.SUCCESS, validate.stderr);
    assert.match(validate.stderr, /WARNING: pg_rewind needs wal_log_hints/);
    await startPair(actOn(pair), node1, node2);
    await failoverWithLostWrites(actOn(pair), node1, node2, false);
    const before = await digest(node1.datadir);
    const refused = await act(pair, 'start', node1);
    assert.equal(refused.code, OCF.ERR_GENERIC, refused.stderr);
    assert.match(refused.reason ?? '', /cannot be rewound/);
    assert.equal(await digest(node1.datadir), before, 'rewind refused: the data directory is untouched');
    assert.deepEqual(await manifests(pair), [], 'nothing archived when nothing is discarded');
    const recloned = await ok(act(pair, 'start', node1, { OCF_RESKEY_rejoin: 'reclone' }));
    assert.match(recloned.stderr, /rejoined by reclone/);
    await waitStreaming(node2, node1);
    const kept = (await readdir(pair.base)).filter((name) => name.startsWith('node1.pgha-old-'));
    assert.equal(kept.length, 1, 'the old data directory is kept aside');
    assert.equal(await digest(join(pair.base, kept[0]!)), before, 'the old data directory is kept as it was');
    assert.match(await readFile(join(node1.datadir, 'postgresql.conf'), 'utf8'), new RegExp(`application_name=node1'`));
    assert.equal((await manifests(pair)).length, 1);
  });

  it('two failovers in a row, the old primary missing the middle one: monitor fails it (never healthy), start rewinds it', async () => {
    const pair = await newPair(55486);
    const { primary: node1, standby: node2 } = pair;
    await startPair(actOn(pair), node1, node2);
    await failoverWithLostWrites(actOn(pair), node1, node2, false);
    // The second failover: node2 restarts as a standby with nobody to follow and is promoted again.
    await ok(act(pair, 'stop', node2));
    await ok(act(pair, 'start', node2));
    await ok(act(pair, 'promote', node2));
    await sql(node2, "insert into t values (3, 'after the second failover')");
    const [{ tli }] = await sql(node2, "select ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int as tli");
    assert.equal(tli, 4, 'node1 promoted to 2, node2 to 3 then 4');
    // As PAF would: started as a standby with no history check; it cannot follow.
    await run('touch', [join(node1.datadir, 'standby.signal')]);
    await run(`${PG_BIN}/pg_ctl`, ['start', '-D', node1.datadir, '-w', '-l', join(pair.base, 'node1.log')], { user: 'postgres', timeoutMs: 30_000 });
    // The first monitor that finds it not streaming leaves its history alone (a switchover or
    // failover looks the same for a moment); it is not promotable meanwhile, as it does not stream.
    const first = await act(pair, 'monitor', node1, { OCF_RESKEY_CRM_meta_interval: '10000' });
    assert.equal(first.code, OCF.SUCCESS, first.stderr);
    await sleep(DIVERGENCE_CHECK_AFTER_MS);
    const failed = await act(pair, 'monitor', node1, { OCF_RESKEY_CRM_meta_interval: '10000' });
    assert.equal(failed.code, OCF.ERR_GENERIC, failed.stderr);
    assert.match(failed.reason ?? '', /not streaming: the local history diverged/);
    assert.match(failed.stderr, /master-pgsqld=-1000000/);
    await ok(act(pair, 'stop', node1));
    const started = await ok(act(pair, 'start', node1));
    assert.match(started.stderr, /rejoined by rewind/);
    await waitStreaming(node2, node1);
    assert.deepEqual(await sql(node1, "select count(*)::int as n from t where what in ('after failover', 'after the second failover')"), [{ n: 2 }]);
    assert.equal((await act(pair, 'monitor', node1, { OCF_RESKEY_CRM_meta_interval: '10000' })).code, OCF.SUCCESS);
  });

  it('time from the old primary\'s start to streaming, median of 3 crash failovers', async (t) => {
    const pair = await newPair(55488);
    let [from, to] = [pair.primary, pair.standby];
    await startPair(actOn(pair), from, to);
    const times: number[] = [];
    for (let round = 0; round < 3; round++) {
      await failoverWithLostWrites(actOn(pair), from, to, true);
      const started = Date.now();
      const r = await ok(act(pair, 'start', from));
      assert.match(r.stderr, /rejoined by rewind/);
      await waitStreaming(to, from);
      times.push(Date.now() - started);
      [from, to] = [to, from];
    }
    const median = [...times].sort((a, b) => a - b)[1]!;
    t.diagnostic(`rejoin (start to streaming) ms: ${times.join(', ')}; median ${median}`);
    assert.ok(median < 30_000);
  });
});
