import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * The layers of src/ (README "Layout", issue 19): a folder may import its own
 * rank or a lower one, never a higher one, and two folders never import each other.
 */
const RANK: Record<string, number> = {
  common: 0, // tiny helpers every layer shares: Pacemaker's true/false words, first line, error message, version, /proc liveness
  exec: 0, // the one command runner: everything runs commands through it
  fs: 0, // safe file writes: a tool, knows nothing of PostgreSQL or Pacemaker
  packaging: 0, // where pgha installs its files: plain file copies
  pg: 1, // PostgreSQL knowledge: pg_control, states, LSNs, SQL; no cluster policy
  pacemaker: 1, // Pacemaker tools only: crm_mon/CIB parsing, attributes, corosync, xml
  ocf: 1, // the OCF protocol, agent-neutral
  'cluster-config': 2, // the recommended cluster configuration, shared by pgha configure and the lab
  election: 2, // pure promotion decisions over pg and Pacemaker facts
  sync: 2, // the synchronous-replication decisions
  rejoin: 2, // divergence and rewind / re-clone decisions and their effects on PostgreSQL
  agent: 3, // the resource agent: adapters calling the decisions
  cli: 3, // the pgha commands, one folder each
  fence: 3, // the fence-agent framework and agents
  lab: 3, // the local lab cluster
};

const SRC = fileURLToPath(new URL('../../src', import.meta.url));
const IMPORT = /^\s*(?:import|export)\b[^'"]*?\sfrom\s+['"](\.{1,2}\/[^'"]+)['"]/gm;

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tsFiles(path) : name.endsWith('.ts') ? [path] : [];
  });
}

const topFolder = (path: string) => relative(SRC, path).split('/')[0]!;

/** Every import from one top folder of src/ into another: [file, import, from, to]. */
function crossImports(): [string, string, string, string][] {
  const edges: [string, string, string, string][] = [];
  for (const file of tsFiles(SRC)) {
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const from = topFolder(file);
      const to = topFolder(resolve(dirname(file), spec!));
      if (from !== to) edges.push([relative(SRC, file), spec!, from, to]);
    }
  }
  return edges;
}

test('every folder of src/ has a declared rank', () => {
  const folders = readdirSync(SRC).filter((name) => statSync(join(SRC, name)).isDirectory());
  assert.deepEqual(folders.filter((f) => RANK[f] === undefined), []);
});

test('imports point down the layers, never up', () => {
  const up = crossImports()
    .filter(([, , from, to]) => RANK[to]! > RANK[from]!)
    .map(([file, spec, from, to]) => `${file} -> ${spec} (${from} ${RANK[from]} imports ${to} ${RANK[to]})`);
  assert.deepEqual(up, []);
});

test('no two folders import each other', () => {
  const edges = crossImports();
  const pairs = new Set(edges.map(([, , from, to]) => `${from}>${to}`));
  const mutual = edges
    .filter(([, , from, to]) => pairs.has(`${to}>${from}`))
    .map(([file, spec, from, to]) => `${file} -> ${spec} (${from} <-> ${to})`);
  assert.deepEqual(mutual, []);
});
