// Generates the manual pages into dist/man/ (or --out DIR) from what is built:
//   pgha.8 and pgha-<group>.8   from the commander tree of the CLI (src/cli/program.ts,
//                               bundled here with the same esbuild settings as dist/pgha.cjs)
//   ocf_pgha_postgresql.7       from the agent's meta-data (ocf/postgresql.cjs meta-data)
//   <fence agent>.8             from each fence agent's own `-o manpage` action
// Run after `npm run build`. Nothing here is committed: scripts/build-deb.sh runs it,
// and test/package/man.test.ts checks every page with groff -ww and man -l.
// pgha lives in /usr/sbin, so its pages are in section 8 (the fence pages already
// refer to pgha(8)).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseStringPromise } from 'xml2js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** Escapes text for troff: backslashes, hyphens, and a leading dot or quote that would start a request. */
export function esc(text) {
  return String(text).replace(/\\/g, '\\e').replace(/-/g, '\\-').replace(/^([.'])/gm, '\\&$1');
}

const th = (name, section, version) => `.TH ${esc(name.toUpperCase())} ${section} "" "pgha ${esc(version)}" "${section === 7 ? 'OCF resource agents' : "System Manager's Manual"}"`;

/** The CLI's commander tree, built from src/cli/program.ts the way scripts/build.mjs builds dist/pgha.cjs. */
export async function loadProgram(version) {
  const dir = join(tmpdir(), `pgha-man-${process.pid}`);
  await mkdir(dir, { recursive: true });
  const outfile = join(dir, 'program.cjs');
  try {
    await build({
      stdin: {
        contents: "export { makeProgram } from './src/cli/program.ts'; export { EXIT } from './src/cli/errors.ts'; export { INSTALL_PATHS, FENCE_AGENTS } from './src/packaging/install-files.ts';",
        resolveDir: REPO,
        loader: 'ts',
      },
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node18',
      format: 'cjs',
      external: ['pg-native'],
      define: { __PGHA_VERSION__: JSON.stringify(version) },
      logLevel: 'warning',
    });
    return require(outfile);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const fullName = (cmd) => {
  const names = [];
  for (let c = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
};

/** "pgha configure [options]" as commander prints it after "Usage:". */
const usage = (cmd) => `${fullName(cmd)} ${cmd.usage()}`.trim();

function optionLines(cmd, { withHelp = true } = {}) {
  const help = cmd.createHelp();
  const lines = [];
  for (const option of help.visibleOptions(cmd)) {
    if (!withHelp && option.long === '--help') continue;
    lines.push('.TP', `.B ${esc(help.optionTerm(option))}`, esc(help.optionDescription(option)));
  }
  return lines;
}

function subcommandLines(cmd, { nested }) {
  const help = cmd.createHelp();
  const lines = [];
  for (const sub of help.visibleCommands(cmd)) {
    if (sub.name() === 'help') continue;
    lines.push('.TP', `.B ${esc(usage(sub))}`, esc(sub.description()));
    if (nested) {
      const options = optionLines(sub, { withHelp: false });
      if (options.length > 0) lines.push('.RS', ...options, '.RE');
    }
  }
  return lines;
}

const EXIT_TEXT = {
  OK: 'success',
  FAILED: 'the command failed',
  USAGE: 'bad option or argument',
  CHECK_FAILED: 'a check (fence verify, switchover pre\\-checks) found a problem',
  UNREACHABLE: 'the cluster or a node could not be reached',
  PERMISSION: 'the command needs root',
};

function exitStatus(EXIT) {
  const lines = ['.SH EXIT STATUS'];
  for (const [name, code] of Object.entries(EXIT)) lines.push('.TP', `.B ${code}`, EXIT_TEXT[name] ?? esc(name.toLowerCase()));
  return lines;
}

export function programPage(program, { EXIT, INSTALL_PATHS, version }) {
  const groups = program.commands.filter((c) => c.name() !== 'help');
  return [
    th('pgha', 8, version),
    '.SH NAME',
    `pgha \\- ${esc(program.description())}`,
    '.SH SYNOPSIS',
    '.B pgha',
    '\\fICOMMAND\\fR [\\fIOPTIONS\\fR]',
    '.br',
    '.B pgha',
    '\\fICOMMAND\\fR \\-\\-help',
    '.SH DESCRIPTION',
    'pgha runs PostgreSQL streaming replication as a promotable clone under Pacemaker and Corosync,',
    'with the resource agent',
    '.BR ocf_pgha_postgresql (7).',
    'The pgha command reports the cluster, moves the primary, writes the cluster configuration,',
    'audits and exercises fencing, and runs a local lab cluster.',
    'Each command is described in its own page, named',
    '.BR pgha\\-\\fICOMMAND\\fR (8).',
    '.SH OPTIONS',
    ...optionLines(program),
    '.SH COMMANDS',
    ...groups.flatMap((c) => ['.TP', `.B ${esc(usage(c))}`, esc(c.description()), '.br', `See`, `.BR pgha\\-${esc(c.name())} (8).`]),
    ...exitStatus(EXIT),
    '.SH FILES',
    '.TP',
    `.I ${esc(INSTALL_PATHS.libDir)}`,
    'the bundled CLI, agent and fence agents',
    '.TP',
    `.I ${esc(INSTALL_PATHS.ocfAgent)}`,
    'the OCF resource agent ocf:pgha:postgresql',
    '.SH SEE ALSO',
    `${groups.map((c) => `.BR pgha\\-${esc(c.name())} (8),`).join('\n')}`,
    '.BR ocf_pgha_postgresql (7),',
    '.BR pcs (8),',
    '.BR crm (8),',
    '.BR crm_mon (8)',
    '',
  ].join('\n');
}

export function groupPage(cmd, { version }) {
  const help = cmd.createHelp();
  const subs = help.visibleCommands(cmd).filter((c) => c.name() !== 'help');
  const name = `pgha-${cmd.name()}`;
  return [
    th(name, 8, version),
    '.SH NAME',
    `${esc(name)} \\- ${esc(cmd.description())}`,
    '.SH SYNOPSIS',
    `.B ${esc(fullName(cmd))}`,
    esc(cmd.usage()),
    '.SH DESCRIPTION',
    `\\fB${esc(fullName(cmd))}\\fR: ${esc(cmd.description())}.`,
    'The guides (quick start, fencing, parameters, troubleshooting) are in',
    '.IR /usr/share/doc/pgha/ .',
    ...(subs.length > 0 ? ['.PP', `Each command takes \\-\\-help: \\fB${esc(fullName(cmd))} \\fICOMMAND\\fB \\-\\-help\\fR.`] : []),
    '.SH OPTIONS',
    ...optionLines(cmd),
    ...(subs.length > 0 ? ['.SH COMMANDS', ...subcommandLines(cmd, { nested: true })] : []),
    '.SH SEE ALSO',
    '.BR pgha (8),',
    '.BR ocf_pgha_postgresql (7)',
    '',
  ].join('\n');
}

const text = (node) => (typeof node === 'string' ? node : (node?._ ?? '')).trim();

/** ocf_pgha_postgresql(7) from the agent's OCF 1.1 meta-data XML. */
export async function agentPage(metadataXml, { provider = 'pgha' } = {}) {
  const xml = await parseStringPromise(metadataXml);
  const agent = xml['resource-agent'];
  const name = agent.$.name;
  const version = agent.$.version;
  const params = agent.parameters[0].parameter ?? [];
  const actions = agent.actions[0].action ?? [];
  const lines = [
    th(`ocf_${provider}_${name}`, 7, version),
    '.SH NAME',
    `ocf_${esc(provider)}_${esc(name)} \\- ${esc(text(agent.shortdesc[0]))}`,
    '.SH SYNOPSIS',
    '.B pcs resource create',
    `\\fIRESOURCE\\fR ocf:${esc(provider)}:${esc(name)} [\\fIparameter\\fR=\\fIvalue\\fR ...] promotable notify=true promoted\\-max=1`,
    '.br',
    '.B crm_resource',
    `\\-\\-show\\-metadata ocf:${esc(provider)}:${esc(name)}`,
    '.SH DESCRIPTION',
    esc(text(agent.longdesc[0])),
    '.SH SUPPORTED PARAMETERS',
  ];
  for (const p of params) {
    const content = p.content?.[0]?.$ ?? {};
    const facts = [
      p.$.required === '1' ? 'required' : 'optional',
      content.type,
      content.default !== undefined ? `default "${content.default}"` : undefined,
      p.$.unique === '1' ? 'unique' : undefined,
      p.$.reloadable === '1' ? 'reloadable' : undefined,
    ].filter(Boolean);
    lines.push('.TP', `\\fB${esc(p.$.name)}\\fR \\- ${esc(text(p.shortdesc[0]))}`, esc(text(p.longdesc[0])), '.br', `(${esc(facts.join(', '))})`);
  }
  lines.push('.SH SUPPORTED ACTIONS', 'Default timeouts and intervals, as the meta\\-data recommends:');
  for (const a of actions) {
    const facts = Object.entries(a.$)
      .filter(([k]) => k !== 'name')
      .map(([k, v]) => `${k}=${v}`);
    lines.push('.TP', `.B ${esc(a.$.name)}`, esc(facts.join(' ')));
  }
  lines.push(
    '.SH EXAMPLE',
    'An example for Debian 12 with PostgreSQL 15 (Debian 13 has PostgreSQL 17: its paths have 17 in place of 15), as printed by',
    '.BR "pgha configure" ,',
    'operations left out:',
    '.PP',
    '.nf',
    `pcs resource create pgsqld ocf:${esc(provider)}:${esc(name)} \\e`,
    '    bindir=/usr/lib/postgresql/15/bin pgdata=/etc/postgresql/15/main \\e',
    '    datadir=/var/lib/postgresql/15/main \\e',
    "    'start_opts=\\-c config_file=/etc/postgresql/15/main/postgresql.conf' \\e",
    '    promotable',
    'pcs resource meta pgsqld\\-clone notify=true promoted\\-max=1 \\e',
    '    promoted\\-node\\-max=1 clone\\-node\\-max=1 interleave=true',
    '.fi',
    '.SH SEE ALSO',
    '.BR pgha (8),',
    '.BR pgha\\-configure (8),',
    '.BR crm_resource (8),',
    '.BR pcs (8)',
    '',
  );
  return lines.join('\n');
}

function runNode(file, args) {
  return execFileSync(process.execPath, [file, ...args], { encoding: 'utf8', maxBuffer: 16 << 20 });
}

/** Writes every page into outDir; returns their file names. */
export async function buildManPages(outDir) {
  for (const needed of ['dist/agent.cjs', 'dist/pgha.cjs']) {
    await readFile(join(REPO, needed)).catch(() => {
      throw new Error(`${needed} is missing: run "npm run build" first`);
    });
  }
  const { version } = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8'));
  const { makeProgram, EXIT, INSTALL_PATHS } = await loadProgram(version);
  const program = makeProgram();
  const pages = new Map();
  pages.set('pgha.8', programPage(program, { EXIT, INSTALL_PATHS, version }));
  for (const cmd of program.commands) if (cmd.name() !== 'help') pages.set(`pgha-${cmd.name()}.8`, groupPage(cmd, { version }));
  pages.set('ocf_pgha_postgresql.7', await agentPage(runNode(join(REPO, 'ocf', 'postgresql.cjs'), ['meta-data'])));
  for (const file of (await readdir(join(REPO, 'bin'))).sort()) {
    const m = /^(fence_[a-z0-9_]+)\.cjs$/.exec(file);
    if (m) pages.set(`${m[1]}.8`, runNode(join(REPO, 'bin', file), ['-o', 'manpage']));
  }
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  for (const [file, page] of pages) await writeFile(join(outDir, file), page.endsWith('\n') ? page : `${page}\n`);
  return [...pages.keys()];
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--out');
  const outDir = resolve(at > 0 ? process.argv[at + 1] : join(REPO, 'dist', 'man'));
  const files = await buildManPages(outDir);
  process.stdout.write(`${files.map((f) => join(outDir, f)).join('\n')}\n`);
}
