import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run, runChecked } from '../../src/exec/run.js';
import { withConnection } from '../../src/pg/sql.js';
import { OCF } from '../../src/ocf/exit-codes.js';
import { readAgentMark } from '../../src/sync/standby-names.js';
import { runAgent } from './helpers/agent.js';
import { createPair, type TestInstance, type TestPair } from './helpers/instances.js';
import { fakeCorosync } from './helpers/corosync.js';

/**
 * sync_mode on a real primary and standby. Pacemaker's CIB is a file here
 * (CIB_file), which crm_attribute reads and writes like the live one, so the
 * published synchronous set can be checked.
 */
describe('synchronous replication managed by the agent', () => {
  let pair: TestPair;
  let cib: string;
  let mode = 'quorum';
  let corosync: Awaited<ReturnType<typeof fakeCorosync>>;
  let afterPromote: { names: string; published: string; commit: { blocked: boolean } };
  const env = (i: TestInstance, extra: Record<string, string> = {}) =>
    pair.agentEnv(i, {
      OCF_RESKEY_CRM_meta_clone_max: '2',
      OCF_RESKEY_CRM_meta_promoted_max: '1',
      OCF_RESKEY_CRM_meta_notify: 'true',
      OCF_RESKEY_sync_mode: mode,
      CIB_file: cib,
      PATH: `${corosync.bin}:${process.env.PATH}`,
      ...extra,
    });
  const act = (action: string, i: TestInstance, extra: Record<string, string> = {}) => runAgent(action, env(i, extra));
  const monitorPrimary = () => act('monitor', pair.primary, { OCF_RESKEY_CRM_meta_interval: '10000' });
  const sql = (i: TestInstance, text: string) => withConnection({ host: i.socketDir, port: i.port, user: 'postgres' }, async (c) => (await c.query(text)).rows);
  const standbyNames = async () => (await sql(pair.primary, 'show synchronous_standby_names'))[0].synchronous_standby_names as string;
  const published = async () => (await run('crm_attribute', ['--type', 'crm_config', '--name', 'pgha-sync-set-pgsqld', '--query', '--quiet'], { env: { CIB_file: cib } })).stdout.trim();
  /** Ends the reconnect grace that follows a promotion, as time would. */
  const endPromotionGrace = async () => {
    const file = join(pair.base, 'state', 'node1', 'pgsqld.json');
    const state = JSON.parse(await readFile(file, 'utf8'));
    state.promotedAt = 0;
    await writeFile(file, JSON.stringify(state));
  };
  /** An insert whose commit is given 1.5 s: blocked when it is still waiting for a synchronous standby then. */
  const timedInsert = async (id: number, text = `insert into t values (${id})`) => {
    const started = Date.now();
    try {
      await withConnection({ host: pair.primary.socketDir, port: pair.primary.port, user: 'postgres', statementTimeoutMs: 1_000 }, (c) => c.query(text));
      return { ms: Date.now() - started, blocked: false };
    } catch (error) {
      assert.match(String(error), /timeout/i);
      return { ms: Date.now() - started, blocked: true };
    }
  };
  const waitStreaming = async () => {
    for (let i = 0; i < 100; i++) {
      if ((await sql(pair.primary, "select 1 from pg_stat_replication where application_name = 'node2' and state = 'streaming'")).length) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('node2 never streamed');
  };

  before(async () => {
    pair = await createPair(55474);
    cib = join(pair.base, 'cib.xml');
    corosync = await fakeCorosync(pair.base);
    await writeFile(cib, (await runChecked('cibadmin', ['--empty'])).stdout);
    for (const [id, node] of [['1', 'node1'], ['2', 'node2']]) {
      await runChecked('cibadmin', ['--create', '-o', 'nodes', '-X', `<node id="${id}" uname="${node}"/>`], { env: { CIB_file: cib } });
    }
    const seen = { OCF_RESKEY_CRM_meta_notify_type: 'post', OCF_RESKEY_CRM_meta_notify_operation: 'start', OCF_RESKEY_CRM_meta_notify_all_uname: 'node1 node2', OCF_RESKEY_CRM_meta_notify_active_uname: 'node1 node2' };
    assert.equal((await act('start', pair.primary)).code, OCF.SUCCESS);
    assert.equal((await act('notify', pair.primary, seen)).code, OCF.SUCCESS);
    assert.equal((await act('promote', pair.primary)).code, OCF.SUCCESS);
    afterPromote = { names: await standbyNames(), published: await published(), commit: await timedInsert(0, 'create table t(id int primary key)') };
    assert.equal((await act('start', pair.standby)).code, OCF.SUCCESS);
    await waitStreaming();
    await sql(pair.primary, 'create table if not exists t(id int primary key)');
  });
  after(async () => {
    await pair?.cleanup();
  });

  it('quorum, first promotion: the set is published and in force before promote returns; the first commit waits for the standby', () => {
    assert.equal(afterPromote.published, '1:node2@2', 'published in the CIB by promote itself, with its timeline');
    assert.equal(afterPromote.names, 'ANY 1 ("node2")');
    assert.equal(afterPromote.commit.blocked, true, 'no commit acknowledged before a standby has it');
  });

  it('quorum: the primary monitor publishes the set in the CIB and points synchronous_standby_names at the streaming standby', async () => {
    assert.equal((await monitorPrimary()).code, OCF.RUNNING_PROMOTED);
    assert.equal(await standbyNames(), 'ANY 1 ("node2")');
    assert.equal(await published(), '1:node2@2');
    assert.equal(await readAgentMark(pair.primary.datadir), 'ANY 1 ("node2")', 'marked as the agent\'s, for clones too');
    assert.equal((await timedInsert(1)).blocked, false);
    assert.deepEqual(await sql(pair.primary, "select sync_state from pg_stat_replication where application_name = 'node2'"), [{ sync_state: 'quorum' }]);
  });

  it('quorum: with the only standby dead and no quorum, the set stays and writes wait: this primary may be the one cut off', async () => {
    await endPromotionGrace();
    assert.equal((await act('stop', pair.standby)).code, OCF.SUCCESS);
    await corosync.setQuorate(false);
    const r = await monitorPrimary();
    assert.equal(r.code, OCF.RUNNING_PROMOTED);
    assert.ok(r.ms >= 1_700, `the monitor waited out corosync's settle time (1710 ms here) first: ${r.ms} ms`);
    assert.match(r.stderr, /no healthy standby, and this partition has no quorum: writes wait for the synchronous set/);
    assert.equal(await standbyNames(), 'ANY 1 ("node2")');
    // Committed locally once its wait is cancelled, as PostgreSQL does: the count below includes it.
    assert.equal((await timedInsert(20)).blocked, true);
  });

  it('quorum: a dead standby is dropped once corosync reports quorum, writes continue, the published set keeps it', async () => {
    await corosync.setQuorate(true);
    const r = await monitorPrimary();
    assert.equal(r.code, OCF.RUNNING_PROMOTED);
    assert.match(r.stderr, /WITHOUT synchronous protection/);
    assert.equal(await standbyNames(), '');
    assert.equal((await timedInsert(2)).blocked, false);
    assert.equal(await published(), '1:node2@2', 'promotion still restricted to the standby that held acknowledged commits');
  });

  it('strict: the dead standby stays in the set and writes wait', async () => {
    mode = 'strict';
    assert.equal((await monitorPrimary()).code, OCF.RUNNING_PROMOTED);
    assert.equal(await standbyNames(), 'ANY 1 ("node2")');
    const write = await timedInsert(3);
    assert.equal(write.blocked, true, 'the commit waits for the standby');
    assert.ok(write.ms >= 1400, `gave up after ${write.ms} ms`);
  });

  it('the standby returns and writes are acknowledged again', async () => {
    assert.equal((await act('start', pair.standby)).code, OCF.SUCCESS);
    await waitStreaming();
    assert.equal((await monitorPrimary()).code, OCF.RUNNING_PROMOTED);
    assert.equal((await timedInsert(4)).blocked, false);
    mode = 'quorum';
    assert.equal((await monitorPrimary()).code, OCF.RUNNING_PROMOTED);
    assert.equal(await standbyNames(), 'ANY 1 ("node2")');
    assert.deepEqual(await sql(pair.standby, 'select count(*)::int as n from t'), [{ n: 5 }]);
  });

  it('switched to off, the primary releases the set it kept: PostgreSQL first, then the CIB', async () => {
    mode = 'off';
    assert.equal(await standbyNames(), 'ANY 1 ("node2")');
    const r = await monitorPrimary();
    assert.equal(r.code, OCF.RUNNING_PROMOTED);
    assert.match(r.stderr, /sync_mode=off: synchronous_standby_names .* cleared/);
    assert.equal(await standbyNames(), '');
    assert.equal(await published(), '');
    assert.equal(await readAgentMark(pair.primary.datadir), undefined, 'the mark goes with the set');
  });

  it("sync_mode=off leaves a DBA's own synchronous_standby_names alone", async () => {
    await sql(pair.primary, "alter system set synchronous_standby_names = 'FIRST 1 (x)'");
    await sql(pair.primary, 'select pg_reload_conf()');
    assert.equal((await monitorPrimary()).code, OCF.RUNNING_PROMOTED);
    assert.equal(await standbyNames(), 'FIRST 1 (x)');
    await sql(pair.primary, 'alter system reset synchronous_standby_names');
    await sql(pair.primary, 'select pg_reload_conf()');
  });
});
