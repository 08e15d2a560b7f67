// The manual pages scripts/build-man.mjs generates: they render without a single
// groff warning, and they stay in sync with what they document: one page per
// command group of the CLI with every option --help shows, every meta-data
// parameter of the agent, and each fence agent's own manpage action.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error: plain ESM script without types
import { buildManPages, esc } from '../../scripts/build-man.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const node = (file: string, args: string[]) => execFileSync(process.execPath, [join(REPO, file), ...args], { encoding: 'utf8' });

describe('manual pages', () => {
  let out: string;
  let pages: string[];

  before(async () => {
    assert.ok(existsSync(join(REPO, 'dist', 'pgha.cjs')), 'run npm run build first');
    out = mkdtempSync(join(tmpdir(), 'pgha-man-'));
    pages = (await buildManPages(out)) as string[];
  });
  after(() => rmSync(out, { recursive: true, force: true }));

  it('are written for the CLI, each command group, the agent and each fence agent', () => {
    const groups = node('dist/pgha.cjs', ['--help'])
      .split('Commands:')[1]!
      .split('\n')
      .map((line) => /^ {2}([a-z][a-z-]*)\b/.exec(line)?.[1])
      .filter((name): name is string => name !== undefined && name !== 'help');
    assert.ok(groups.includes('configure') && groups.includes('fence'), groups.join(' '));
    const fenceAgents = readdirSync(join(REPO, 'bin')).filter((f) => /^fence_.*\.cjs$/.test(f)).map((f) => f.replace(/\.cjs$/, ''));
    assert.deepEqual(
      [...pages].sort(),
      ['pgha.8', ...groups.map((g) => `pgha-${g}.8`), 'ocf_pgha_postgresql.7', ...fenceAgents.map((a) => `${a}.8`)].sort(),
    );
    assert.deepEqual(readdirSync(out).sort(), [...pages].sort());
  });

  it('render with groff -man -ww and man -l without any warning', () => {
    for (const page of pages) {
      const file = join(out, page);
      const groff = spawnSync('groff', ['-man', '-ww', '-z', file], { encoding: 'utf8' });
      assert.equal(groff.status, 0, `${page}: ${groff.stderr}`);
      assert.equal(groff.stderr, '', `groff warns about ${page}`);
      const man = spawnSync('man', ['-l', file], { encoding: 'utf8', env: { ...process.env, MANWIDTH: '80', MAN_KEEP_STDERR: '1', MANROFFOPT: '-ww' } });
      assert.equal(man.status, 0, `${page}: ${man.stderr}`);
      assert.equal(man.stderr, '', `man -l warns about ${page}`);
      assert.match(man.stdout, /NAME/);
    }
  });

  it('show every option of every command, as the built CLI prints it in --help', () => {
    const walk = (argv: string[]): void => {
      const help = node('dist/pgha.cjs', [...argv, '--help']);
      const page = readFileSync(join(out, argv.length === 0 ? 'pgha.8' : `pgha-${argv[0]}.8`), 'utf8');
      const options = help.split('Options:')[1]?.split('Commands:')[0] ?? '';
      for (const m of options.matchAll(/^ {2}(-[^ ].*?)(?: {2,}|$)/gm)) {
        if (argv.length > 1 && m[1] === '-h, --help') continue;
        assert.ok(page.includes(esc(m[1]!)), `${['pgha', ...argv].join(' ')}: option "${m[1]}" is missing from its man page`);
      }
      const commands = help.split('Commands:')[1] ?? '';
      for (const m of commands.matchAll(/^ {2}([a-z][a-z-]*)\b/gm)) if (m[1] !== 'help' && argv.length < 2) walk([...argv, m[1]!]);
    };
    walk([]);
  });

  it('document every parameter of the agent meta-data, and fence agents by their own manpage action', () => {
    const metadata = node('ocf/postgresql.cjs', ['meta-data']);
    const agentPage = readFileSync(join(out, 'ocf_pgha_postgresql.7'), 'utf8');
    const names = [...metadata.matchAll(/<parameter name="([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(names.length > 0);
    for (const name of names) assert.ok(agentPage.includes(`\\fB${esc(name)}\\fR \\- `), `ocf_pgha_postgresql(7) misses ${name}`);
    for (const page of pages.filter((p) => p.startsWith('fence_'))) {
      const agent = page.replace(/\.8$/, '');
      assert.equal(readFileSync(join(out, page), 'utf8'), node(`bin/${agent}.cjs`, ['-o', 'manpage']).replace(/\n?$/, '\n'));
    }
  });
});
