import assert from 'node:assert/strict';
import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { runChecked } from '../../src/exec/run.js';
import { adoptConnectedSocket, connectUnixSocketAs } from '../../src/exec/socket-as-user.js';
import { OCF } from '../../src/ocf/exit-codes.js';
import { runAgent } from './helpers/agent.js';
import { createPair, PG_BIN, PG_MAJOR, type TestPair } from './helpers/instances.js';

/**
 * A fresh instance started as a standby whose primary is unreachable (every
 * start of a new cluster's first node): it is up in archive recovery and
 * answers SQL, which is what start and monitor must see. The agent runs as
 * root and reaches it by `peer` authentication only, as on a Debian
 * installation: on a Node.js that may not switch its own credentials
 * (Debian 13's, with a shared libuv) that takes another process.
 */
describe(`a fresh standby with no reachable primary (PostgreSQL ${PG_MAJOR}, Node.js ${process.versions.node})`, () => {
  let pair: TestPair;
  const clone = { OCF_RESKEY_CRM_meta_clone_max: '2', OCF_RESKEY_CRM_meta_promoted_max: '1', OCF_RESKEY_CRM_meta_notify: 'true' };

  before(async () => {
    pair = await createPair(55660);
    const { datadir } = pair.primary;
    // Peer authentication only: trust would hide whose credentials the connection carries.
    await writeFile(join(datadir, 'pg_hba.conf'), 'local all postgres peer\nlocal replication postgres peer\n');
    await appendFile(join(datadir, 'postgresql.conf'), "primary_conninfo = 'host=/nonexistent port=5 user=postgres application_name=node1'\n");
  });
  after(async () => {
    await pair?.cleanup();
  });

  it('starts as a standby and monitors as one', async () => {
    const env = pair.agentEnv(pair.primary, { ...clone, OCF_RESKEY_CRM_meta_timeout: '20000' });
    const started = await runAgent('start', env);
    assert.equal(started.code, OCF.SUCCESS, started.stderr);
    const monitored = await runAgent('monitor', { ...env, OCF_RESKEY_CRM_meta_interval: '10000' });
    assert.equal(monitored.code, OCF.SUCCESS, monitored.stderr);
    assert.doesNotMatch(monitored.stderr, /settle/);
  });

  it('connects a socket as the instance user from another process, and peer authentication accepts it', async () => {
    const { socketDir, port } = pair.primary;
    const socket = adoptConnectedSocket(await connectUnixSocketAs(`${socketDir}/.s.PGSQL.${port}`, 'postgres', 10_000));
    const client = new pg.Client({ host: socketDir, port, user: 'postgres', database: 'postgres', stream: () => socket });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT current_user AS who, pg_is_in_recovery() AS standby');
      assert.deepEqual(rows, [{ who: 'postgres', standby: true }]);
    } finally {
      await client.end();
    }
    const asRoot = await runChecked(`${PG_BIN}/psql`, ['-h', socketDir, '-p', String(port), '-U', 'postgres', '-Atc', 'SELECT 1', 'postgres'], { timeoutMs: 10_000 }).catch((e: Error) => e);
    assert.ok(asRoot instanceof Error, 'root is refused: the test would not tell otherwise');
  });
});
