// docs/troubleshooting.md is keyed by the exit reasons the agent prints: every reason
// it quotes in a heading must be printed by the agent (src/agent, src/pg, the redirect reason), the parts
// written "…" standing for what the code interpolates. A reason reworded in the code
// without the guide fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const doc = readFileSync(join(REPO, 'docs', 'troubleshooting.md'), 'utf8');

function sources(dir: string): string[] {
  if (statSync(dir).isFile()) return [dir];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}
const code = ['src/agent', 'src/pg', 'src/election/redirect-residue.ts'].flatMap((d) => sources(join(REPO, d))).map((f) => readFileSync(f, 'utf8')).join('\n');

test('every exit reason quoted in docs/troubleshooting.md is one the agent prints', () => {
  const reasons = [...doc.matchAll(/^### `(.+)`$/gm)].map((m) => m[1]!);
  assert.ok(reasons.length >= 20, `only ${reasons.length} reasons`);
  const unknown = reasons.filter((reason) =>
    reason
      .split('…')
      // A closing bracket right after "…" can close text the code interpolated.
      .map((part) => part.trim().replace(/^\)/, ''))
      .filter((part) => part.length > 0)
      // Source text escapes quotes in single-quoted strings (this standby\'s).
      .some((part) => !code.includes(part) && !code.includes(part.replace(/'/g, "\\'"))),
  );
  assert.deepEqual(unknown, [], 'these headings quote text the agent does not print');
});

test('the reasons the agent checks first (configuration, installation, settings) are all in the guide', () => {
  for (const fragment of [
    'the clone is not promotable',
    'the clone has notify=false',
    'pgha supports exactly one primary',
    'is missing or not executable',
    'does not exist on this node',
    'is not a directory on this node',
    'is not a PostgreSQL data directory',
    'wal_level is',
    'hot_standby is off',
    'primary_conninfo is empty',
    'recovery_target_timeline is',
    'crashed primary (pg_control says in production, no postmaster)',
  ]) {
    assert.ok(code.includes(fragment), `the agent no longer prints "${fragment}"`);
    assert.ok(doc.includes(fragment), `docs/troubleshooting.md misses "${fragment}"`);
  }
});
