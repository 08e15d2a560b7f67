import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';

// The agent as Pacemaker runs it: one bundled file, options on stdin, no lab needed for these cases.
const RNG = 'test/fixtures/fence-metadata.rng';
const hasXmllint = spawnSync('xmllint', ['--version']).status === 0;
const labRunning = existsSync('/var/lib/pgha-lab/lab.json');
let dir: string;
let agent: string;

const runAgent = (stdin: string, argv: string[] = [], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [agent, ...argv], { input: stdin, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 30_000 });

describe('fence_pgha_lab bundle', () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fence-pgha-lab-'));
    agent = join(dir, 'fence_pgha_lab.cjs');
    await build({ entryPoints: ['src/fence/agents/fence-pgha-lab.ts'], outfile: agent, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'error' });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('answers action=metadata on stdin with RNG-valid XML', { skip: !hasXmllint && 'xmllint not installed' }, () => {
    const r = runAgent('action=metadata\n', [], { PCMK_service: 'pacemaker-fenced' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /<resource-agent name="fence_pgha_lab"/);
    const lint = spawnSync('xmllint', ['--noout', '--relaxng', RNG, '-'], { input: r.stdout, encoding: 'utf8' });
    assert.equal(lint.status, 0, lint.stderr);
  });

  it('-o manpage prints troff', () => {
    const r = runAgent('', ['-o', 'manpage']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^\.TH FENCE_PGHA_LAB 8/);
  });

  it('validates options: a bad delay is exit 1 with the option named', () => {
    const r = runAgent('action=validate-all\nport=node1\ndelay=later\n');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /delay: expected a number of seconds/);
  });

  it('honours delay before off, counted from start (fence-agents delay-check)', { skip: labRunning && 'a lab is running: this case would power a node off' }, () => {
    const started = Date.now();
    const r = runAgent('action=off\nport=node1\ndelay=1\n');
    assert.ok(Date.now() - started >= 1_000, 'returned before the delay');
    // No lab on this host: the status read after the delay fails, and a failure is exit 1 (never "Already OFF").
    assert.equal(r.status, 1);
    assert.match(r.stderr, /lab/);
  });

  it('status without a lab is an error (1), not off (2)', { skip: labRunning && 'a lab is running' }, () => {
    const r = runAgent('action=status\nnodename=node1\nport=node1\n');
    assert.equal(r.status, 1);
  });
});
