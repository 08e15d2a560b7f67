import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { run } from '../../src/exec/run.js';

describe('run', () => {
  it('removes an inherited environment variable given as undefined (attrd_updater needs on_node gone)', async () => {
    process.env.PGHA_TEST_INHERITED = 'yes';
    try {
      assert.match((await run('env', [])).stdout, /^PGHA_TEST_INHERITED=yes$/m);
      assert.doesNotMatch((await run('env', [], { env: { PGHA_TEST_INHERITED: undefined } })).stdout, /PGHA_TEST_INHERITED/);
    } finally {
      delete process.env.PGHA_TEST_INHERITED;
    }
  });
  it('never goes through a shell, and reports a timeout as such', async () => {
    assert.equal((await run('echo', ['$HOME;', 'x'])).stdout, '$HOME; x');
    const slow = await run('sleep', ['5'], { timeoutMs: 200 });
    assert.equal(slow.timedOut, true);
    assert.notEqual(slow.exitCode, 0);
  });
});
