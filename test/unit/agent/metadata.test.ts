import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../../src/exec/run.js';
import { ACTIONS, agentMetadata } from '../../../src/agent/metadata.js';
import { PARAMETERS } from '../../../src/agent/params.js';

const RNG = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'ra-api-1.1.rng');

describe('agent meta-data', () => {
  it('is valid against the OCF 1.1 RelaxNG schema', async () => {
    const file = join(await mkdtemp('/tmp/pgha-md-'), 'meta.xml');
    await writeFile(file, await agentMetadata('test'));
    const r = await run('xmllint', ['--noout', '--nonet', '--relaxng', RNG, file]);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stderr, /validates/);
  });
  it("declares every PAF parameter (so a PAF user switches by changing only the agent name)", async () => {
    const xml = await agentMetadata('test');
    for (const name of ['bindir', 'pgdata', 'datadir', 'pghost', 'pgport', 'system_user', 'start_opts', 'maxlag']) {
      assert.match(xml, new RegExp(`<parameter name="${name}"`));
    }
    assert.equal(PARAMETERS.filter((p) => 'reloadable' in p && p.reloadable).map((p) => p.name).join(), 'maxlag,sync_mode,sync_count,rejoin,rewind_archive_dir,rewind_archive_max_mb');
  });
  it('gives the promoted and unpromoted monitors different intervals', () => {
    const monitors = ACTIONS.filter((a) => a.name === 'monitor');
    assert.equal(new Set(monitors.map((m) => m.interval)).size, 2);
    assert.deepEqual(monitors.map((m) => m.role).sort(), ['Promoted', 'Unpromoted']);
  });
});
