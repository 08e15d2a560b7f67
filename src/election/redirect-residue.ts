import type { MonFailure } from '../pacemaker/crm-mon.js';

/**
 * A promote the election redirected fails on purpose (the only way to make
 * Pacemaker promote the better node), and Pacemaker records it as a failed
 * action with a fail count. Its exit reason is the durable marker that tells
 * it from a real failure: it is kept in the CIB with the operation itself, and
 * a later real failure of the same operation replaces it. The marker comes
 * first, so Pacemaker's 128-byte cut of the reason never removes it.
 */
const REDIRECT_MARKER = 'promotion redirected to ';

/** The exit reason of a redirected promote. */
export const redirectReason = (target: string, why: string): string => `${REDIRECT_MARKER}${target}: ${why}`;

/** The node a failed action redirected the promotion to, when it is a redirect's residue. */
export function redirectTarget(failure: Pick<MonFailure, 'task' | 'intervalMs' | 'exitReason'>): string | undefined {
  if (failure.task !== 'promote' || failure.intervalMs !== 0 || !failure.exitReason.startsWith(REDIRECT_MARKER)) return undefined;
  return /^(\S+?):?(\s|$)/.exec(failure.exitReason.slice(REDIRECT_MARKER.length))?.[1];
}

export const isRedirectResidue = (failure: Pick<MonFailure, 'task' | 'intervalMs' | 'exitReason'>): boolean => redirectTarget(failure) !== undefined;

/** Failed actions an operator must look at: every one but a redirect's residue. */
export const genuineFailures = (failures: readonly MonFailure[]): MonFailure[] => failures.filter((f) => !isRedirectResidue(f));

/** What a node that redirected its promotion remembers until it has cleared the residue. */
export interface PendingRedirect {
  /** When (ms) the last redirect happened. */
  at: number;
  /** How many promotes this node redirected since it last cleared: the fail count they added. */
  count: number;
}

/** clear it now; wait for a later monitor; done: nothing left (cleared already); forget: not ours to clear. */
export type ResidueDecision = { action: 'clear' } | { action: 'wait'; why: string } | { action: 'done' } | { action: 'forget'; why: string };

export interface ResidueInput {
  pending: PendingRedirect;
  /** This node's failed promote (interval 0) in the CIB, if any. */
  failure: MonFailure | undefined;
  /** Pacemaker's fail count of that promote on this node (0 when none, e.g. expired by failure-timeout). */
  failCount: number;
  /** The resource's other failed actions on this node. */
  otherFailures: readonly MonFailure[];
  /** A node runs the resource as Promoted: the redirect has done its job. */
  promoted: boolean;
  /** The controller has no transition running (S_IDLE): a CIB change now aborts nothing. */
  idle: boolean;
}

/**
 * Whether the redirecting node clears its own failed promote now. Only the
 * residue of its own redirects is ever cleared: a failure whose reason is not
 * a redirect's, or a fail count higher than the redirects made (a real failure
 * counted too), is left to the operator and forgotten here. While another
 * operation's failure is recorded on this node, nothing is cleared: Pacemaker
 * would erase its record too.
 */
export function decideResidue({ pending, failure, failCount, otherFailures, promoted, idle }: ResidueInput): ResidueDecision {
  if (!failure) return { action: 'done' };
  if (!isRedirectResidue(failure)) return { action: 'forget', why: `the failed promote is not a redirect (${failure.exitReason || failure.exitStatus}): left to the operator` };
  if (failCount > pending.count) return { action: 'forget', why: `fail count ${failCount} exceeds the ${pending.count} redirect(s) made: a real promote failure is counted too, left to the operator` };
  // Pacemaker's clean-up of one operation resets only its fail count but erases the resource's whole
  // history on the node (then probed again): the record of another failure would go with it.
  if (otherFailures.length > 0) return { action: 'wait', why: `${otherFailures.map((f) => f.opKey).join(', ')} failed on this node too: its record is left to the operator` };
  if (!promoted) return { action: 'wait', why: 'no node is promoted yet' };
  if (!idle) return { action: 'wait', why: 'a transition is running' };
  return { action: 'clear' };
}
