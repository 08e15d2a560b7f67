/**
 * Synchronous replication managed by the agent (pure decisions).
 *
 * Two sets matter: the one PostgreSQL uses (synchronous_standby_names, "ANY k
 * (...)") and the one published in the CIB, which a promotion later trusts.
 * A commit is acknowledged once k members of PostgreSQL's set have it, so the
 * published set must always cover every member PostgreSQL may have relied on:
 * it grows before PostgreSQL's set grows, and shrinks only after the members
 * that stay have flushed everything written under the larger set.
 */
export type SyncMode = 'off' | 'quorum' | 'strict';

export interface SyncSet {
  /** How many members acknowledge each commit (ANY k). */
  quorum: number;
  members: string[];
}

export const EMPTY_SET: SyncSet = { quorum: 0, members: [] };

export function formatStandbyNames(set: SyncSet): string {
  if (set.members.length === 0) return '';
  return `ANY ${set.quorum} (${set.members.map((m) => `"${m.replace(/"/g, '""')}"`).join(', ')})`;
}

/** Reads back what formatStandbyNames wrote; any other value (FIRST, a plain list) is not ours: undefined. */
export function parseStandbyNames(text: string): SyncSet | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return EMPTY_SET;
  const match = /^ANY\s+(\d+)\s*\((.*)\)$/i.exec(trimmed);
  if (!match) return undefined;
  const members = match[2]!.split(',').map((m) => m.trim().replace(/^"(.*)"$/, '$1').replace(/""/g, '"')).filter(Boolean);
  return { quorum: Number(match[1]), members: [...members].sort() };
}

/** Published form: "k:node2,node3" (empty: no synchronous guarantee published). */
export function formatPublishedSet(set: SyncSet): string {
  return set.members.length === 0 ? '' : `${set.quorum}:${set.members.join(',')}`;
}

export function parsePublishedSet(text: string | undefined): SyncSet {
  const match = /^(\d+):(.+)$/.exec((text ?? '').trim());
  if (!match) return EMPTY_SET;
  return { quorum: Number(match[1]), members: match[2]!.split(',').filter(Boolean) };
}

/**
 * The set PostgreSQL should use now. quorum: the healthy standbys, with k
 * lowered to how many there are, so a dead standby never blocks writes (no
 * healthy standby at all: asynchronous, said loudly). strict: every standby
 * of the cluster with k = sync_count, so writes wait rather than risk loss.
 */
export function desiredSet(mode: SyncMode, count: number, standbys: readonly string[], healthy: readonly string[]): SyncSet {
  if (mode === 'off') return EMPTY_SET;
  const members = [...new Set(mode === 'strict' ? standbys : healthy)].sort();
  if (members.length === 0) return EMPTY_SET;
  return { quorum: Math.min(count, members.length), members };
}

/**
 * Who counts as healthy in the reconnect grace after a promotion, before any
 * standby had time to connect: the other members of the published set; with
 * none published (the cluster's first promotion, or sync_mode just switched
 * on), every other node the cluster knows. So the first commit already waits
 * for a standby, under a set published before it; a member that never
 * connects is dropped when the grace ends, by the usual quorum rule.
 */
export function graceMembers(published: SyncSet, standbys: readonly string[], self: string): string[] {
  return (published.members.length > 0 ? published.members : standbys).filter((m) => m !== self);
}

/** The union, keeping the smaller quorum: safe to publish before PostgreSQL switches between the two. */
export function coveringSet(a: SyncSet, b: SyncSet): SyncSet {
  if (a.members.length === 0) return b;
  if (b.members.length === 0) return a;
  return { quorum: Math.min(a.quorum, b.quorum), members: [...new Set([...a.members, ...b.members])].sort() };
}

export const sameSet = (a: SyncSet, b: SyncSet) => formatPublishedSet(a) === formatPublishedSet(b);

export interface SyncStep {
  /** Publish this set (before ALTER SYSTEM when growing, after catch-up when shrinking). */
  publishBefore?: SyncSet;
  /** New synchronous_standby_names, when it changes. */
  standbyNames?: string;
  /** Publish this set once its members have flushed up to the LSN at the switch. */
  publishAfterCatchUp?: SyncSet;
}

/**
 * One monitor's step from (published, PostgreSQL's current set) towards the
 * desired set. Never publishes a set that fails to cover what PostgreSQL uses.
 */
export function planSyncStep(published: SyncSet, current: SyncSet, desired: SyncSet): SyncStep {
  const step: SyncStep = {};
  const cover = coveringSet(published, desired);
  if (!sameSet(cover, published)) step.publishBefore = cover;
  if (!sameSet(current, desired)) step.standbyNames = formatStandbyNames(desired);
  // Keep the last non-empty published set when nothing is synchronous: promotion then
  // still prefers the standbys that were, over ones that never held acknowledged commits.
  if (desired.members.length > 0 && !sameSet(cover, desired)) step.publishAfterCatchUp = desired;
  return step;
}

/**
 * sync_mode is off but PostgreSQL still uses a set: release it only if this
 * agent wrote it (the value matches the agent's mark, inherited by clones
 * too). Left in place, nobody would drop a dead standby from it and writes
 * would hang; a DBA's own setting is not ours to change.
 */
export function isLeftoverAgentSet(currentNames: string, agentMark: string | undefined): boolean {
  const current = currentNames.trim();
  return current !== '' && agentMark !== undefined && current === agentMark.trim();
}

/**
 * Whether `set` may be published in place of a larger one PostgreSQL used up
 * to `lsn`: a member that flushed up to `lsn` from this primary holds every
 * commit acknowledged until then, and later commits were acknowledged under
 * `set` itself; so `quorum` such members suffice (pg_stat_replication flush_lsn by node).
 */
export function enoughCaughtUp(set: SyncSet, flushed: ReadonlyMap<string, bigint | undefined>, lsn: bigint): boolean {
  return set.members.filter((m) => (flushed.get(m) ?? -1n) >= lsn).length >= set.quorum;
}

/**
 * Which candidates a promotion may choose from: members of the published set,
 * and only when enough of them answered that one surely holds every
 * acknowledged commit (a commit is on k of n members: n - k + 1 must answer).
 */
export function promotableMembers(published: SyncSet, answered: readonly string[]): { allowed: string[]; enough: boolean; needed: number } {
  if (published.members.length === 0) return { allowed: [...answered], enough: true, needed: 0 };
  const allowed = answered.filter((n) => published.members.includes(n));
  const needed = published.members.length - published.quorum + 1;
  return { allowed, enough: allowed.length >= needed, needed };
}
