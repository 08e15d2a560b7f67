import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, readdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { clearMove, movePromoted, sqlOnNode } from '../../src/lab/cluster-ops.js';
import { Deadline, pollUntil } from '../../src/exec/deadline.js';
import { waitForCluster, waitForStreaming } from '../../src/lab/cluster-watch.js';
import { blockReplication } from '../../src/lab/faults.js';
import { RESOURCE } from '../../src/lab/cib-commands.js';
import { runInNodeChecked } from '../../src/lab/node-exec.js';
import { labPostgres } from '../../src/lab/lab-postgres.js';
import { hostPathOf } from '../../src/lab/node-fs.js';
import { labNodes, labPowerOff, labPowerOn } from '../../src/lab/power.js';
import { cleanupResource } from '../../src/lab/rebuild.js';
import { digest } from '../pg/helpers/rejoin.js';
import { divergeAndCrash } from './divergence.js';
import { bringLabDown, bringLabUp, currentPrimary, log, pghaInNode, restoreHealthy, updateResource, waitHealthy } from './harness.js';

const ARCHIVE = '/var/lib/pgha/rewind-archive';


/** Waits until a (standby) node has replayed the probe row `n`. */
async function waitForRow(node: string, n: number): Promise<void> {
  const replayed = await pollUntil(Deadline.after(20_000), 200, async () => (Number(await sqlOnNode(node, `SELECT count(*) FROM rejoin_probe WHERE n = ${n}`)) > 0 ? true : undefined));
  if (!replayed) throw new Error(`${node} never replayed row ${n}`);
}

/** Waits for Pacemaker to record a failed start of the clone on `node` whose reason matches. */
async function waitForFailedStart(node: string, reason: RegExp): Promise<string> {
  const s = await waitForCluster(`a failed start on ${node} (${reason.source})`, 120_000, (st) => st.failures.some((f) => f.includes(`start_0 on ${node}`) && reason.test(f)));
  return s.failures.find((f) => f.includes(`start_0 on ${node}`))!;
}

/**
 * Issue 4 in a real cluster: the primary writes rows no standby receives,
 * crashes and is fenced; a standby takes over. When the old primary's node
 * comes back, nobody touches it: Pacemaker finds a crashed primary, the agent
 * sees its history forked from the new primary's, keeps the WAL it is about
 * to discard, rewinds it and starts it streaming.
 */
describe('a diverged old primary rejoins by itself', { timeout: 10 * 60_000 }, () => {
  before(async () => bringLabUp(3), { timeout: 6 * 60_000 });
  after(async () => bringLabDown(), { timeout: 60_000 });

  it('is rewound, streams from the new primary, and the discarded WAL is archived', { timeout: 300_000 }, async () => {
    await restoreHealthy();
    const oldPrimary = await currentPrimary();
    const archive = hostPathOf(oldPrimary, ARCHIVE);
    const archivesBefore = new Set(await readdir(archive).catch(() => [] as string[]));
    const { newPrimary, replicated } = await divergeAndCrash(oldPrimary);

    log(`${newPrimary} is primary; booting ${oldPrimary} again, untouched`);
    const bootedAt = Date.now();
    await labPowerOn(oldPrimary);
    await waitForStreaming(newPrimary, await labNodes(), 180_000);
    log(`${oldPrimary} streams from ${newPrimary} ${Date.now() - bootedAt} ms after its node was booted (corosync, pacemaker, rewind, start)`);
    assert.equal(Number(await sqlOnNode(newPrimary, 'SELECT count(*) FROM rejoin_probe')), replicated, 'the unreplicated rows never reached the new primary');
    assert.equal(Number(await sqlOnNode(oldPrimary, 'SELECT count(*) FROM rejoin_probe')), replicated, 'the rejoined node follows the new history');

    const fresh = (await readdir(archive)).filter((d) => !archivesBefore.has(d) && d.startsWith(`${oldPrimary}-`));
    assert.equal(fresh.length, 1, `one rewind archive for ${oldPrimary} (${fresh.join(', ')})`);
    const manifest = JSON.parse(await readFile(join(archive, fresh[0]!, 'manifest.json'), 'utf8'));
    log(`rewind archive manifest: ${JSON.stringify(manifest)}`);
    assert.equal(manifest.action, 'rewind');
    assert.equal(manifest.copied, true, 'the discarded WAL was copied');
    assert.ok(manifest.forkLsn && manifest.discardedRange?.from && manifest.discardedRange?.to, 'fork point and discarded range recorded');
    assert.ok(manifest.newTimeline > manifest.forkTimeline || manifest.newTimeline > manifest.localTimeline);
    await restoreHealthy();
  });

  it('rejoin=manual: the old primary stays out with the reason and the command; pgha rewind brings it back', { timeout: 300_000 }, async () => {
    await restoreHealthy();
    await updateResource({ rejoin: 'manual' });
    try {
      const oldPrimary = await currentPrimary();
      const { newPrimary, replicated } = await divergeAndCrash(oldPrimary);
      const { pgdata } = await labPostgres();
      const before = await digest(hostPathOf(oldPrimary, pgdata));
      await labPowerOn(oldPrimary);
      const failure = await waitForFailedStart(oldPrimary, /diverged/);
      log(`as Pacemaker shows it: ${failure}`);
      assert.match(failure, /pgha rewind/, 'the reason names the command to run');
      assert.equal(await digest(hostPathOf(oldPrimary, pgdata)), before, 'manual: the data directory is untouched');

      const dry = await pghaInNode(oldPrimary, ['rewind', '--resource', RESOURCE, '--dry-run']);
      assert.equal(dry.exitCode, 0, dry.stderr);
      assert.equal(await digest(hostPathOf(oldPrimary, pgdata)), before, 'dry run: untouched');
      const rewound = await pghaInNode(oldPrimary, ['rewind', '--resource', RESOURCE, '--yes']);
      log(`pgha rewind: ${rewound.stdout.trim()}`);
      assert.equal(rewound.exitCode, 0, rewound.stderr);
      assert.match(rewound.stdout, /rewound .* in \d+\.\d+s/);
      await cleanupResource(oldPrimary);
      await waitForStreaming(newPrimary, await labNodes(), 120_000);
      assert.equal(Number(await sqlOnNode(oldPrimary, 'SELECT count(*) FROM rejoin_probe')), replicated, 'the rejoined node follows the new history');
    } finally {
      await updateResource({ rejoin: 'rewind' });
    }
    await restoreHealthy();
  });

  it('rewind impossible (no checksums, wal_log_hints off): rejoin=rewind refuses untouched, rejoin=reclone re-clones', { timeout: 360_000 }, async () => {
    await restoreHealthy();
    const { bindir, pgdata, versionDir } = await labPostgres();
    const primary = await currentPrimary();
    const victim = (await labNodes()).find((n) => n !== primary)!;
    // Make the victim unrewindable while Pacemaker keeps its instance stopped.
    await runInNodeChecked(primary, ['pcs', 'node', 'standby', victim], { timeoutMs: 60_000 });
    try {
      await waitForCluster(`${victim} stopped`, 60_000, (s) => !s.unpromoted.includes(victim) && !s.promoted.includes(victim));
      // crm_mon stops listing an instance while it is still stopping: wait for PostgreSQL itself.
      const pidFile = join(hostPathOf(victim, pgdata), 'postmaster.pid');
      await pollUntil(Deadline.after(30_000), 100, async () => (existsSync(pidFile) ? undefined : true));
      await runInNodeChecked(victim, [join(bindir, 'pg_checksums'), '--disable', '--pgdata', pgdata], { user: 'postgres', timeoutMs: 60_000 });
      await appendFile(join(hostPathOf(victim, pgdata), 'postgresql.auto.conf'), 'wal_log_hints = off\n');
    } finally {
      // Never leave the node in standby mode for the tests that follow.
      await runInNodeChecked(primary, ['pcs', 'node', 'unstandby', victim], { timeoutMs: 60_000 });
    }
    await waitHealthy(90_000);
    await movePromoted(primary, victim);
    await waitHealthy(90_000, victim);
    await clearMove(primary);
    assert.equal((await sqlOnNode(victim, 'SHOW data_checksums')).trim(), 'off');
    assert.equal((await sqlOnNode(victim, 'SHOW wal_log_hints')).trim(), 'off');

    const { newPrimary, replicated } = await divergeAndCrash(victim);
    const before = await digest(hostPathOf(victim, pgdata));
    await labPowerOn(victim);
    const failure = await waitForFailedStart(victim, /cannot be rewound/);
    log(`as Pacemaker shows it: ${failure}`);
    assert.equal(await digest(hostPathOf(victim, pgdata)), before, 'rewind refused: the data directory is untouched');

    await updateResource({ rejoin: 'reclone' });
    try {
      await cleanupResource(victim);
      await waitForStreaming(newPrimary, await labNodes(), 180_000);
    } finally {
      await updateResource({ rejoin: 'rewind' });
    }
    assert.equal(Number(await sqlOnNode(victim, 'SELECT count(*) FROM rejoin_probe')), replicated);
    assert.equal((await sqlOnNode(victim, 'SHOW data_checksums')).trim(), 'on', 're-cloned from a primary with checksums');
    const aside = await runInNodeChecked(victim, ['ls', versionDir], { timeoutMs: 10_000 });
    assert.match(aside.stdout, /lab\.pgha-old-/, 'the old data directory is kept aside');
    await restoreHealthy();
  });

  it('two failovers in a row (timeline n, n+1, n+2), with a standby that missed the middle one: everyone follows the last primary', { timeout: 420_000 }, async () => {
    await restoreHealthy();
    const [first, second, third] = await (async () => {
      const a = await currentPrimary();
      const others = (await labNodes()).filter((n) => n !== a);
      return [a, ...others] as [string, string, string];
    })();
    const timeline = async (node: string) => Number(await sqlOnNode(node, 'SELECT timeline_id FROM pg_control_checkpoint()'));
    await sqlOnNode(first, 'CREATE TABLE IF NOT EXISTS rejoin_probe (n int)');
    await sqlOnNode(first, 'CHECKPOINT');
    const startTimeline = await timeline(first);
    // third stays in the cluster (two nodes must remain for quorum) but receives no WAL until the end.
    log(`${third} stops receiving WAL and misses the next failovers`);
    await blockReplication(third, true);
    try {
      await sqlOnNode(first, 'INSERT INTO rejoin_probe VALUES (-1)');
      await waitForRow(second, -1);
      await labPowerOff(first);
      await waitForCluster(`${second} primary`, 90_000, (s) => s.promoted[0] === second && s.vip[0] === second);
      await sqlOnNode(second, 'INSERT INTO rejoin_probe VALUES (-2)');
      log(`${first} returns (rewound) and follows ${second}`);
      await labPowerOn(first);
      await waitForStreaming(second, [first, second], 180_000);
      await waitForRow(first, -2);
      await waitForCluster(`${first} promotable`, 60_000, (s) => s.unpromoted.includes(first) && (s.scores[first] ?? -1) >= 0);
      await labPowerOff(second);
      await waitForCluster(`${first} primary`, 90_000, (s) => s.promoted[0] === first && s.vip[0] === first);
      await sqlOnNode(first, 'INSERT INTO rejoin_probe VALUES (-3)');
      await sqlOnNode(first, 'CHECKPOINT');
      assert.equal(await timeline(first), startTimeline + 2, 'two promotions, two new timelines');
    } finally {
      await blockReplication(third, false);
    }
    log(`${third} (last received on timeline ${startTimeline}) receives WAL again; ${second} returns`);
    await labPowerOn(second);
    await waitForStreaming(first, await labNodes(), 240_000);
    for (const node of [second, third]) {
      const rows = await sqlOnNode(node, 'SELECT string_agg(n::text, \',\' ORDER BY n DESC) FROM rejoin_probe WHERE n < 0');
      assert.equal(rows.trim(), '-1,-2,-3', `${node} has the writes of every timeline`);
    }
    await waitHealthy(60_000, first);
  });
});
