import { run } from '../exec/run.js';
import type { Cib } from '../pacemaker/cib.js';
import { formatPublishedSet, parsePublishedSet, type PublishedSet, type SyncSet } from './synchronous-set.js';

/**
 * The published synchronous set lives in the CIB as a cluster property: it
 * must outlive the primary that wrote it, since the promotion after that
 * primary's death is what reads it.
 */
export const syncSetProperty = (instance: string) => `pgha-sync-set-${instance}`;

export async function readPublishedSet(instance: string): Promise<PublishedSet> {
  const r = await run('crm_attribute', ['--type', 'crm_config', '--name', syncSetProperty(instance), '--query', '--quiet'], { timeoutMs: 5_000 });
  return parsePublishedSet(r.exitCode === 0 ? r.stdout : '');
}

/** `timeline`: the publishing primary's (see PublishedSet). */
export async function publishSet(instance: string, set: SyncSet, timeline?: number): Promise<void> {
  const r = await run('crm_attribute', ['--type', 'crm_config', '--name', syncSetProperty(instance), '--update', formatPublishedSet(set, timeline)], { timeoutMs: 5_000 });
  if (r.exitCode !== 0) throw new Error(`could not publish the synchronous set: ${r.stderr || r.stdout}`);
}

/** The synchronous set the agent of `instance` (the primitive id) published, read from a parsed CIB; empty when it published none. */
export function publishedSyncSet(cib: Cib, instance: string): SyncSet {
  const { quorum, members } = parsePublishedSet(cib.properties[syncSetProperty(instance)]);
  return { quorum, members };
}
