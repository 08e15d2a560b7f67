// installPgha with a destdir: what debian/rules runs (`pgha install --destdir debian/pgha`).
// Everything lands under the destdir, the links and launchers name the final paths,
// and from dist/ only the bundles are taken.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FENCE_AGENTS, INSTALL_PATHS, installPgha } from '../../src/packaging/install-files.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function fakeBuildTree(): string {
  const root = mkdtempSync(join(tmpdir(), 'pgha-root-'));
  for (const dir of ['dist', 'dist/man', 'bin', 'ocf']) mkdirSync(join(root, dir), { recursive: true });
  for (const file of ['dist/agent.cjs', 'dist/pgha.cjs', 'dist/fence_pgha_lab.cjs', 'bin/pgha.cjs', 'bin/fence_pgha_lab.cjs', 'bin/run-bundle.cjs', 'ocf/postgresql.cjs']) {
    writeFileSync(join(root, file), `// ${file}\n`);
  }
  writeFileSync(join(root, 'dist/agent.cjs.v8cache'), 'cache');
  writeFileSync(join(root, 'dist/pgha.cjs.map'), '{}');
  writeFileSync(join(root, 'dist/man/pgha.8'), '.TH PGHA 8\n');
  return root;
}

test('installPgha with a destdir stages the layout and points the links at the final paths', async () => {
  const root = fakeBuildTree();
  const dest = mkdtempSync(join(tmpdir(), 'pgha-dest-'));
  try {
    const done = await installPgha(root, INSTALL_PATHS, { destdir: dest });
    assert.ok(done.every((path) => path.startsWith(`${dest}/`)), done.join(' '));
    const lib = join(dest, INSTALL_PATHS.libDir);
    assert.deepEqual(readdirSync(join(lib, 'dist')).sort(), ['agent.cjs', 'fence_pgha_lab.cjs', 'pgha.cjs']);
    assert.deepEqual(readdirSync(join(lib, 'bin')).sort(), ['fence_pgha_lab.cjs', 'pgha.cjs', 'run-bundle.cjs']);
    assert.equal(readlinkSync(join(dest, INSTALL_PATHS.ocfAgent)), join(INSTALL_PATHS.libDir, 'ocf', 'postgresql.cjs'));
    assert.equal(readlinkSync(join(dest, INSTALL_PATHS.cli)), join(INSTALL_PATHS.libDir, 'bin', 'pgha.cjs'));
    for (const agent of FENCE_AGENTS) {
      const launcher = join(dest, INSTALL_PATHS.fenceAgentsDir, agent);
      assert.ok(lstatSync(launcher).isFile(), `${agent} must be a regular file`);
      assert.equal(statSync(launcher).mode & 0o777, 0o755);
      const text = readFileSync(launcher, 'utf8');
      assert.ok(text.includes(JSON.stringify(join(INSTALL_PATHS.libDir, 'bin', `${agent}.cjs`))), text);
      assert.ok(!text.includes(dest), 'the launcher must not name the staging directory');
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(dest, { recursive: true, force: true });
  }
});

test('pgha install --destdir (the built CLI) needs no root and writes only under the destdir', () => {
  assert.ok(existsSync(join(REPO, 'dist', 'pgha.cjs')), 'run npm run build first');
  const dest = mkdtempSync(join(tmpdir(), 'pgha-dest-'));
  if (process.getuid?.() === 0) chownSync(dest, 65534, 65534);
  try {
    const out = execFileSync(process.execPath, [join(REPO, 'dist', 'pgha.cjs'), 'install', '--destdir', dest], {
      encoding: 'utf8',
      // Not root: the destdir install must not ask for it.
      uid: process.getuid?.() === 0 ? 65534 : undefined,
      gid: process.getuid?.() === 0 ? 65534 : undefined,
      env: { ...process.env, HOME: dest },
    });
    assert.equal(out.trim().split('\n').length, 3 + FENCE_AGENTS.length, out);
    assert.ok(out.split('\n').filter(Boolean).every((line) => line.startsWith(`installed ${dest}/`)), out);
    assert.ok(existsSync(join(dest, INSTALL_PATHS.libDir, 'dist', 'agent.cjs')));
  } finally {
    rmSync(dest, { recursive: true, force: true });
  }
});
