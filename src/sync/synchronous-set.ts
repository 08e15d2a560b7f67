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

/**
 * A published set, with the timeline of the primary that published it: a
 * standby on a later timeline has streamed from a primary promoted since,
 * which `promotableMembers` uses.
 */
export interface PublishedSet extends SyncSet {
  /** Absent in a set published without it (by hand, or by an older pgha). */
  timeline?: number;
}

/** Published form: "k:node2,node3@T" (T: the publisher's timeline; empty: no synchronous guarantee published). */
export function formatPublishedSet(set: SyncSet, timeline?: number): string {
  if (set.members.length === 0) return '';
  return `${set.quorum}:${set.members.join(',')}${timeline === undefined ? '' : `@${timeline}`}`;
}

export function parsePublishedSet(text: string | undefined): PublishedSet {
  const match = /^(\d+):([^@]+)(?:@(\d+))?$/.exec((text ?? '').trim());
  if (!match) return EMPTY_SET;
  const set: PublishedSet = { quorum: Number(match[1]), members: match[2]!.split(',').filter(Boolean) };
  if (match[3] !== undefined) set.timeline = Number(match[3]);
  return set;
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
 * standby had time to connect: the other members of the published set that
 * still run an instance; with none (the cluster's first promotion, sync_mode
 * just switched on, or every member lost), every other node running one. So
 * the first commit already waits for a standby, under a set published before
 * it; a member that never connects is dropped when the grace ends, by the
 * usual quorum rule. A member known to be down is never waited for: with
 * ANY 1 it alone would hold every write until the grace ends.
 */
export function graceMembers(published: SyncSet, running: readonly string[], self: string): string[] {
  const others = running.filter((m) => m !== self);
  const members = others.filter((m) => published.members.includes(m));
  return members.length > 0 ? members : others;
}

/** quorum mode about to stop waiting for any standby: PostgreSQL has a set, the desired one is empty. */
export const goesAsynchronous = (current: SyncSet, desired: SyncSet) => current.members.length > 0 && desired.members.length === 0;

/** What to do before going asynchronous; see asynchronousGate. */
export type AsynchronousGate = { check: 'quorum' } | { check: 'wait'; ms: number } | { check: 'later' };

/**
 * Going asynchronous is safe only if this primary is not the one cut off: a
 * primary partitioned from the majority also sees no standby, and every write
 * it acknowledged alone would be missing on the primary the majority promotes.
 * Corosync notices a partition within `settleMs` (see membershipSettleMs), so
 * once no standby has been healthy for that long, quorum as corosync then
 * reports it tells the two apart. Until then the monitor waits, when the wait
 * fits in the `spareMs` it can spend, or leaves the decision to a later one.
 */
export function asynchronousGate(noStandbySince: number, now: number, settleMs: number, spareMs: number): AsynchronousGate {
  const remaining = noStandbySince + settleMs - now;
  if (remaining <= 0) return { check: 'quorum' };
  return remaining <= spareMs ? { check: 'wait', ms: remaining } : { check: 'later' };
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

/** A node that answered the election, with the timeline its WAL is on. */
export interface Answer {
  node: string;
  timeline: number;
}

/**
 * Which candidates a promotion may choose from: members of the published
 * set, and only when enough of them answered that one surely holds every
 * acknowledged commit. Under "ANY k of n" a commit is on k members, so
 * n - k + 1 must answer. One fewer suffices when a member answers from a
 * timeline later than the set's: a primary promoted since then (a member
 * itself) held every commit acknowledged before it, and so does any standby
 * that streamed its new timeline; each commit it acknowledged is on it and on
 * k others, k + 1 members in all. The candidate chosen (latest timeline
 * first) is then one of those standbys.
 */
export function promotableMembers(published: PublishedSet, answered: readonly Answer[]): { allowed: string[]; enough: boolean; needed: number } {
  const nodes = answered.map((a) => a.node);
  if (published.members.length === 0) return { allowed: nodes, enough: true, needed: 0 };
  const members = answered.filter((a) => published.members.includes(a.node));
  const promotedSince = published.timeline !== undefined && members.some((a) => a.timeline > published.timeline!);
  const needed = Math.max(1, published.members.length - published.quorum + (promotedSince ? 0 : 1));
  return { allowed: members.map((a) => a.node), enough: members.length >= needed, needed };
}
