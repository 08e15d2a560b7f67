import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../../src/exec/run.js';
import { EXIT } from '../../../src/cli/errors.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'src', 'cli', 'main.ts');
const pgha = (...args: string[]) => run(process.execPath, ['--import', 'tsx', CLI, ...args], { timeoutMs: 60_000, cwd: join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..') });

describe('pgha command tree', () => {
  it('a bad flag on any subcommand is a usage error (exit 2) with a hint, no stack trace', async () => {
    for (const argv of [['install', '--bogus'], ['status', '--bogus'], ['fence', 'verify', '--bogus'], ['lab', 'up', '--bogus']]) {
      const r = await pgha(...argv);
      assert.equal(r.exitCode, EXIT.USAGE, `${argv.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /unknown option '--bogus'/);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
  });
  it('an unknown command is a usage error', async () => {
    assert.equal((await pgha('frobnicate')).exitCode, EXIT.USAGE);
  });
  it('--help and --version exit 0', async () => {
    assert.equal((await pgha('--help')).exitCode, EXIT.OK);
    assert.equal((await pgha('status', '--help')).exitCode, EXIT.OK);
    assert.match((await pgha('--version')).stdout, /^\d+\.\d+\.\d+$/);
  });
});
