// Helpers for tests that feed pgha's generated commands to the real pcs / crmsh / crm_verify offline.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, type RunResult } from '../../../src/exec/run.js';
import type { Step } from '../../fixtures/pacemaker/with-test-agent.js';

export type { Step };
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export const tempDir = () => mkdtemp(join(tmpdir(), 'pgha-test-'));

/** Runs steps in a private mount namespace where ocf:pgha:postgresql's meta-data test double is installed. */
export async function runWithTestAgent(steps: Step[]): Promise<RunResult[]> {
  const dir = await tempDir();
  const file = join(dir, 'steps.json');
  await writeFile(file, JSON.stringify(steps));
  const helper = join(REPO, 'test', 'fixtures', 'pacemaker', 'with-test-agent.ts');
  const outer = await run(
    'unshare',
    ['--mount', '--propagation', 'private', '--', process.execPath, '--import', 'tsx', helper, file],
    { timeoutMs: 300_000, cwd: REPO },
  );
  if (outer.exitCode !== 0) throw new Error(`with-test-agent failed (${outer.exitCode}): ${outer.stderr}`);
  return JSON.parse(outer.stdout) as RunResult[];
}

/** Shows every step's output when an assertion about the last one fails. */
export const transcript = (results: RunResult[]) =>
  results.map((r) => `$ ${r.command}\n[exit ${r.exitCode}]\n${r.stdout}\n${r.stderr}`).join('\n');
