// docs/parameters.md is the agent's meta-data, rendered by scripts/build-docs.mjs:
// a parameter in one and not the other fails, and so does any other difference.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { agentMetadata } from '../../../src/agent/metadata.js';
// @ts-expect-error: plain ESM script without types
import { renderParameters } from '../../../scripts/build-docs.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const doc = readFileSync(resolve(REPO, 'docs', 'parameters.md'), 'utf8');

test('docs/parameters.md documents exactly the parameters of the meta-data', async () => {
  const inMetadata = [...(await agentMetadata('0.0.0')).matchAll(/<parameter name="([^"]+)"/g)].map((m) => m[1]!);
  const inDocs = [...doc.matchAll(/^## ([a-z_][a-z0-9_]*)$/gm)].map((m) => m[1]!);
  assert.ok(inMetadata.length > 0);
  const missing = inMetadata.filter((name) => !inDocs.includes(name));
  const extra = inDocs.filter((name) => !inMetadata.includes(name));
  assert.deepEqual({ missing, extra }, { missing: [], extra: [] }, 'missing: in the meta-data, not in docs/parameters.md; extra: the other way round. Run npm run docs.');
});

test('docs/parameters.md is what npm run docs generates from the meta-data', async () => {
  const expected = (await renderParameters(await agentMetadata('0.0.0'))) as string;
  assert.equal(doc, expected, 'docs/parameters.md is out of date: run npm run docs');
});
