import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OCF } from '../../src/ocf/exit-codes.js';
import { runAgent } from './helpers/agent.js';
import { createPair, type TestPair } from './helpers/instances.js';

/** Bad input gets a clear exit reason naming the parameter and the fix, and loses nothing. */
describe('agent configuration errors on real PostgreSQL', () => {
  let pair: TestPair;
  const clone = { OCF_RESKEY_CRM_meta_clone_max: '2', OCF_RESKEY_CRM_meta_promoted_max: '1', OCF_RESKEY_CRM_meta_notify: 'true' };
  const act = (action: string, extra: Record<string, string>) => runAgent(action, pair.agentEnv(pair.primary, { ...clone, ...extra }));

  before(async () => {
    pair = await createPair(55440);
  });
  after(async () => {
    await pair?.cleanup();
  });

  it('a wrong bindir is OCF_ERR_INSTALLED naming bindir; a probe reports not running', async () => {
    const bad = { OCF_RESKEY_bindir: '/usr/lib/postgresql/99/bin' };
    const v = await act('validate-all', bad);
    assert.equal(v.code, OCF.ERR_INSTALLED);
    assert.match(v.reason ?? '', /\/usr\/lib\/postgresql\/99\/bin\/pg_ctl is missing.*set bindir/);
    assert.equal((await act('start', bad)).code, OCF.ERR_INSTALLED);
    assert.equal((await act('monitor', bad)).code, OCF.NOT_RUNNING);
  });

  it('a missing data directory is OCF_ERR_ARGS on start and validate, not running on a probe', async () => {
    const missing = { OCF_RESKEY_pgdata: '/tmp/pgha-no-such-dir' };
    assert.equal((await act('monitor', missing)).code, OCF.NOT_RUNNING);
    const s = await act('start', missing);
    assert.equal(s.code, OCF.ERR_ARGS);
    assert.match(s.reason ?? '', /pgdata \/tmp\/pgha-no-such-dir is not a directory/);
    assert.equal((await act('validate-all', missing)).code, OCF.ERR_ARGS);
    assert.equal((await act('stop', missing)).code, OCF.SUCCESS, 'stop of something that cannot run succeeds');
  });

  it('an invalid value is OCF_ERR_CONFIGURED naming the parameter', async () => {
    const r = await act('validate-all', { OCF_RESKEY_pgport: 'five' });
    assert.equal(r.code, OCF.ERR_CONFIGURED);
    assert.match(r.reason ?? '', /pgport="five"/);
    assert.equal((await act('stop', { OCF_RESKEY_pgport: 'five' })).code, OCF.SUCCESS, 'stop never fails on parameters');
  });

  it('application_name different from the node name stops start with the fix, before PostgreSQL runs', async () => {
    const r = await act('start', { OCF_RESKEY_CRM_meta_on_node: 'node7' });
    assert.equal(r.code, OCF.ERR_ARGS);
    assert.match(r.reason ?? '', /application_name=node1: it must be the Pacemaker node name, node7/);
    assert.equal((await act('monitor', {})).code, OCF.NOT_RUNNING);
  });

  it('a clone without notify, or with promoted-max above 1, is OCF_ERR_CONFIGURED', async () => {
    const n = await act('validate-all', { OCF_RESKEY_CRM_meta_notify: 'false' });
    assert.equal(n.code, OCF.ERR_CONFIGURED);
    assert.match(n.reason ?? '', /notify=true/);
    const m = await act('validate-all', { OCF_RESKEY_CRM_meta_promoted_max: '2' });
    assert.equal(m.code, OCF.ERR_CONFIGURED);
    assert.match(m.reason ?? '', /promoted-max=1/);
  });

  it('an unknown action is OCF_ERR_UNIMPLEMENTED', async () => {
    assert.equal((await act('migrate_to', {})).code, OCF.ERR_UNIMPLEMENTED);
  });
});
