import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runChecked } from '../../src/exec/run.js';
import { OCF } from '../../src/ocf/exit-codes.js';
import { withConnection } from '../../src/pg/sql.js';
import { runAgent } from './helpers/agent.js';
import { DIVERGENCE_CHECK_AFTER_MS } from '../../src/rejoin/divergence.js';
import { walReceiverConnectWaitEvent } from '../../src/pg/server-version.js';
import { createPair, PG_MAJOR, type TestInstance, type TestPair } from './helpers/instances.js';
import { sleep, waitStreaming } from './helpers/rejoin.js';

/**
 * A standby whose WAL receiver sent its SYN to a dead machine (the VIP's old
 * holder after a node crash): PostgreSQL would retry it on the kernel's
 * backoff, up to a minute; the monitor restarts it. The dead machine is an
 * address routed into a namespace of this test that drops every frame.
 */
const NETNS = 'pgha-t-stall';
const HOST_NIC = 'pgha-stall0';
const DEAD_ADDRESS = '10.213.98.2';

async function createDeadAddress(): Promise<void> {
  await removeDeadAddress();
  await runChecked('ip', ['netns', 'add', NETNS]);
  await runChecked('ip', ['link', 'add', HOST_NIC, 'type', 'veth', 'peer', 'name', 'pgha-stall1', 'netns', NETNS]);
  await runChecked('ip', ['addr', 'add', '10.213.98.1/30', 'dev', HOST_NIC]);
  await runChecked('ip', ['link', 'set', HOST_NIC, 'up']);
  await runChecked('ip', ['-n', NETNS, 'link', 'set', 'pgha-stall1', 'up']);
  // Frames for a MAC nobody has: the namespace drops them, as a powered-off node would.
  await runChecked('ip', ['neigh', 'replace', DEAD_ADDRESS, 'lladdr', '02:00:00:00:98:02', 'dev', HOST_NIC, 'nud', 'permanent']);
}

async function removeDeadAddress(): Promise<void> {
  const namespaces = (await runChecked('ip', ['netns', 'list'])).stdout;
  // Deleting the namespace deletes the veth pair with it.
  if (namespaces.split('\n').some((line) => line.split(' ')[0] === NETNS)) await runChecked('ip', ['netns', 'del', NETNS]);
}

describe('a WAL receiver stuck connecting to a dead address', () => {
  let pair: TestPair;
  const clone = { OCF_RESKEY_CRM_meta_clone_max: '2', OCF_RESKEY_CRM_meta_promoted_max: '1', OCF_RESKEY_CRM_meta_notify: 'true' };
  const act = (action: string, i: TestInstance) => runAgent(action, pair.agentEnv(i, { ...clone, OCF_RESKEY_CRM_meta_interval: '4000' }));
  const sql = (i: TestInstance, text: string) => withConnection({ host: i.socketDir, port: i.port, user: 'postgres' }, async (c) => (await c.query(text)).rows);
  const connectingReceiver = async (i: TestInstance): Promise<number | undefined> =>
    (await sql(i, `SELECT pid FROM pg_stat_activity WHERE backend_type = 'walreceiver' AND wait_event = '${walReceiverConnectWaitEvent(PG_MAJOR)}'`))[0]?.pid;
  const primaryConninfo = (i: TestInstance, conninfo: string) => sql(i, `ALTER SYSTEM SET primary_conninfo = '${conninfo}'`).then(() => sql(i, 'SELECT pg_reload_conf()'));

  before(async () => {
    await createDeadAddress();
    pair = await createPair(55640);
  });
  after(async () => {
    await pair?.cleanup();
    await removeDeadAddress();
  });

  it('leaves a streaming WAL receiver alone, and restarts one whose SYN went unanswered', async () => {
    assert.equal((await act('start', pair.primary)).code, OCF.SUCCESS);
    assert.equal((await act('promote', pair.primary)).code, OCF.SUCCESS);
    assert.equal((await act('start', pair.standby)).code, OCF.SUCCESS);
    await waitStreaming(pair.primary, pair.standby);
    const streaming = await act('monitor', pair.standby);
    assert.equal(streaming.code, OCF.SUCCESS, streaming.stderr);
    assert.doesNotMatch(streaming.stderr, /WAL receiver/, 'a streaming receiver is not touched');

    await primaryConninfo(pair.standby, `host=${DEAD_ADDRESS} port=${pair.primary.port} user=postgres application_name=${pair.standby.node}`);
    let stuck: number | undefined;
    for (let i = 0; i < 50 && stuck === undefined; i++) {
      await sleep(200);
      stuck = await connectingReceiver(pair.standby);
    }
    assert.ok(stuck, 'the WAL receiver is connecting to the dead address');
    await sleep(1_500);
    assert.equal(await connectingReceiver(pair.standby), stuck, 'still the same attempt: PostgreSQL waits on the SYN backoff');

    const kicked = await act('monitor', pair.standby);
    assert.equal(kicked.code, OCF.SUCCESS, kicked.stderr);
    assert.match(kicked.stderr, new RegExp(`WAL receiver \\(pid ${stuck}\\) had no answer to its connection attempt`));
    let replaced: number | undefined = stuck;
    for (let i = 0; i < 50 && replaced === stuck; i++) {
      await sleep(100);
      replaced = await connectingReceiver(pair.standby);
    }
    assert.notEqual(replaced, stuck, 'the stuck WAL receiver is gone (a new one tries again)');

    // Back to the real primary: the next attempt connects and streams.
    await primaryConninfo(pair.standby, `host=${pair.primary.socketDir} port=${pair.primary.port} user=postgres application_name=${pair.standby.node}`);
    await waitStreaming(pair.primary, pair.standby);
  });

  it('does not check the history of a standby against a primary address that does not answer', async () => {
    await primaryConninfo(pair.standby, `host=${DEAD_ADDRESS} port=${pair.primary.port} user=postgres application_name=${pair.standby.node}`);
    const debug = { HA_debug: '1' };
    const first = await runAgent('monitor', pair.agentEnv(pair.standby, { ...clone, OCF_RESKEY_CRM_meta_interval: '4000', ...debug }));
    assert.equal(first.code, OCF.SUCCESS, first.stderr);
    await sleep(DIVERGENCE_CHECK_AFTER_MS);
    // Not streaming for long enough that the check is due: it would wait out libpq's connect
    // timeout on the dead address, holding up this node's next operation; it is skipped instead.
    const due = await runAgent('monitor', pair.agentEnv(pair.standby, { ...clone, OCF_RESKEY_CRM_meta_interval: '4000', ...debug }));
    assert.equal(due.code, OCF.SUCCESS, due.stderr);
    assert.match(due.stderr, new RegExp(`divergence check skipped: ${DEAD_ADDRESS.replaceAll('.', '\\.')}:${pair.primary.port} does not answer`));
    await primaryConninfo(pair.standby, `host=${pair.primary.socketDir} port=${pair.primary.port} user=postgres application_name=${pair.standby.node}`);
    await waitStreaming(pair.primary, pair.standby);
  });
});
