import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { join } from 'node:path';
import { run } from '../../src/exec/run.js';
import { installPgha, INSTALL_PATHS } from '../../src/cli/commands/install.js';
import { createPair, PG_BIN, type TestPair } from './helpers/instances.js';

const REPO = join(import.meta.dirname, '..', '..');

/**
 * resource-agents' ocf-tester against the installed agent. It passes every
 * behavioural test (life cycle, idempotent start/stop/promote/demote, probe
 * without binaries, notify without variables). Its meta-data check validates
 * against the OCF 1.0 DTD, which predates two OCF 1.1 constructs the agent
 * uses on purpose: reloadable="1" on maxlag and the reload-agent action (so a
 * maxlag change does not restart PostgreSQL). The test pins exactly those two
 * DTD errors; the 1.1 RelaxNG check is in test/unit/agent/metadata.test.ts.
 */
describe('ocf-tester (resource-agents)', () => {
  let pair: TestPair;
  before(async () => {
    pair = await createPair(55460);
    await installPgha(REPO);
  });
  after(async () => {
    await pair?.cleanup();
  });

  it('passes every test but the OCF 1.0 DTD check, which rejects only the 1.1 reload-agent constructs', async () => {
    const p = pair.primary;
    const r = await run(
      'ocf-tester',
      ['-v', '-n', 'pgsqld', '-o', `bindir=${PG_BIN}`, '-o', `pgdata=${p.datadir}`, '-o', `pghost=${p.socketDir}`, '-o', `pgport=${p.port}`, '-o', `logfile=${join(pair.base, 'ocf-tester.log')}`, '-o', `CRM_meta_on_node=${p.node}`, INSTALL_PATHS.ocfAgent],
      { timeoutMs: 240_000, env: { PGHA_STATE_DIR: join(pair.base, 'state', 'ocf-tester') } },
    );
    const output = `${r.stdout}\n${r.stderr}`;
    assert.match(output, /failed 1 tests/, output);
    assert.match(output, /\* rc=4: Your agent produces meta-data which does not conform to ra-api-1\.dtd/);
    const dtdErrors = output.split('\n').filter((line) => /validity error/.test(line));
    assert.deepEqual(dtdErrors, [
      '-:43: element parameter: validity error : No declaration for attribute reloadable of element parameter',
      '-:62: element action: validity error : Value "reload-agent" for attribute name of action is not among the enumerated set',
    ]);
    // Every other check ocf-tester reports with "* rc=": none may appear besides the DTD one.
    const otherFailures = output.split('\n').filter((line) => /^\* rc=/.test(line) && !/ra-api-1\.dtd/.test(line));
    assert.deepEqual(otherFailures, []);
  });
});
