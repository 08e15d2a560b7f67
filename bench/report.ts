import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const BENCHMARKS_MD = join(import.meta.dirname, '..', 'docs', 'benchmarks.md');

/**
 * Replaces one benchmark's section of docs/benchmarks.md (between its
 * markers), leaving the other benchmarks' sections as they are.
 */
export async function writeSection(name: string, markdown: string): Promise<void> {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  let doc = await readFile(BENCHMARKS_MD, 'utf8').catch(() => '# Benchmarks\n\nMeasured side by side with PAF (`ocf:heartbeat:pgsqlms` 2.3.0, Debian package resource-agents-paf) in the same run, on the same machine. Each section says how to rerun it.\n');
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const at = doc.indexOf(start);
  doc = at >= 0 ? doc.slice(0, at) + block + doc.slice(doc.indexOf(end) + end.length) : `${doc.trimEnd()}\n\n${block}\n`;
  await writeFile(BENCHMARKS_MD, doc);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export const seconds = (v: number) => `${v.toFixed(3)} s`;
