import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OCF } from '../../src/ocf/exit-codes.js';
import { readLocalStatus } from '../../src/pg/queries.js';
import { withConnection } from '../../src/pg/sql.js';
import { localWalPosition } from '../../src/election/wal-position.js';
import { runAgent } from './helpers/agent.js';
import { createPair, type TestInstance, type TestPair } from './helpers/instances.js';

/**
 * The position a standby publishes for the election once its primary is gone:
 * after following a timeline switch its pg_control still names the old
 * timeline (no restartpoint yet) and pg_stat_wal_receiver is empty, so only
 * its WAL files tell which timeline it replayed.
 */
describe('WAL position of a standby whose primary is gone', () => {
  let pair: TestPair;
  const clone = { OCF_RESKEY_CRM_meta_clone_max: '2', OCF_RESKEY_CRM_meta_promoted_max: '1', OCF_RESKEY_CRM_meta_notify: 'true' };
  const act = (action: string, i: TestInstance) => runAgent(action, pair.agentEnv(i, clone));
  const status = (i: TestInstance) => withConnection({ host: i.socketDir, port: i.port, user: 'postgres' }, readLocalStatus);

  before(async () => {
    pair = await createPair(55470);
  });
  after(async () => {
    await pair?.cleanup();
  });

  it('is on the new timeline, though pg_control says the old one', async () => {
    assert.equal((await act('start', pair.primary)).code, OCF.SUCCESS);
    assert.equal((await act('promote', pair.primary)).code, OCF.SUCCESS);
    const primaryTimeline = (await status(pair.primary)).timeline;
    assert.ok(primaryTimeline >= 2, 'promotion started a new timeline');
    await withConnection({ host: pair.primary.socketDir, port: pair.primary.port, user: 'postgres' }, (c) => c.query('create table t as select 1 as x'));
    assert.equal((await act('start', pair.standby)).code, OCF.SUCCESS);
    await new Promise((r) => setTimeout(r, 1_000));
    assert.equal((await act('stop', pair.primary)).code, OCF.SUCCESS);
    await new Promise((r) => setTimeout(r, 500));
    const s = await status(pair.standby);
    assert.equal(s.receiver, undefined, 'no WAL receiver once the primary is gone');
    assert.ok(s.timeline < primaryTimeline, `pg_control still names timeline ${s.timeline}`);
    const position = await localWalPosition(s, pair.standby.datadir);
    assert.equal(position?.timeline, primaryTimeline);
  });
});
