import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

// STATE_DIR is read when the module loads.
const dir = mkdtempSync(join(tmpdir(), 'pgha-state-'));
process.env.PGHA_STATE_DIR = dir;
const { loadLocalState, stateFileName, updateLocalState } = await import('../../../src/agent/local-state.js');

describe('updateLocalState', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'pgsqld.json');

  it('writes a change and returns what the update returned', async () => {
    const result = await updateLocalState('pgsqld', async (state) => {
      state.nodes = ['node1', 'node2'];
      return 'done';
    });
    assert.equal(result, 'done');
    assert.deepEqual((await loadLocalState('pgsqld')).nodes, ['node1', 'node2']);
  });

  it('leaves the file alone when nothing changed (a steady-state monitor writes nothing)', async () => {
    const before = statSync(file).mtimeMs;
    await new Promise((resolve) => setTimeout(resolve, 20));
    await updateLocalState('pgsqld', async (state) => {
      state.nodes = ['node1', 'node2'];
      state.notStreaming = undefined;
    });
    assert.equal(statSync(file).mtimeMs, before);
  });

  it('writes nothing when the update throws', async () => {
    await assert.rejects(
      updateLocalState('pgsqld', async (state) => {
        state.nodes = ['node3'];
        throw new Error('crm_attribute failed');
      }),
      /crm_attribute failed/,
    );
    assert.deepEqual((await loadLocalState('pgsqld')).nodes, ['node1', 'node2']);
  });

  it('keeps every instance name inside the state directory', async () => {
    assert.equal(stateFileName('pgsqld:1'), 'pgsqld:1.json');
    for (const hostile of ['../x', '/etc/passwd', '..', 'a\nb']) assert.doesNotMatch(stateFileName(hostile), /\/|^\./, hostile);
    await updateLocalState('../escape', async (state) => {
      state.nodes = ['n'];
    });
    assert.ok(readdirSync(dir).includes('_._escape.json'));
    assert.deepEqual(readdirSync(join(dir, '..')).filter((f) => f === 'escape.json'), []);
  });

  it('refuses to write through a link planted as the state file', async () => {
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'keep');
    symlinkSync(victim, join(dir, 'linked.json'));
    await assert.rejects(updateLocalState('linked', async (state) => {
      state.nodes = ['n'];
    }), /symbolic link/);
    assert.equal(readFileSync(victim, 'utf8'), 'keep');
  });
});
