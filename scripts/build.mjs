// Bundles each executable into one CommonJS file: an agent action is a fresh
// process, so it must not pay for resolving hundreds of modules at start-up.
import { build } from 'esbuild';
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';

const entries = {
  agent: 'src/agent/main.ts',
  pgha: 'src/cli/main.ts',
  fence_pgha_lab: 'src/fence/agents/fence-pgha-lab.ts',
};

await mkdir('dist', { recursive: true });
// V8 would reject a cache made for the previous bundle anyway; start clean.
for (const file of await readdir('dist')) if (file.endsWith('.v8cache')) await rm(`dist/${file}`);
await build({
  entryPoints: entries,
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  // Debian 12's nodejs is 18.
  target: 'node18',
  format: 'cjs',
  minify: true,
  keepNames: false,
  legalComments: 'none',
  external: ['pg-native'],
  define: { __PGHA_VERSION__: JSON.stringify(process.env.npm_package_version ?? JSON.parse(await readFile('package.json', 'utf8')).version) },
  logLevel: 'warning',
});
