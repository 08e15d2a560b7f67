/** The notification a clone instance receives (Pacemaker Explained, "Clone Notifications"). */
export interface Notification {
  type: 'pre' | 'post';
  operation: 'start' | 'stop' | 'promote' | 'demote';
  /** Node names per list, as the scheduler planned them (an empty list arrives as " "). */
  unames: Record<NotifyList, string[]>;
}

export const NOTIFY_LISTS = ['start', 'stop', 'promote', 'demote', 'active', 'inactive', 'promoted', 'unpromoted', 'all', 'available'] as const;
export type NotifyList = (typeof NOTIFY_LISTS)[number];

/** Legacy list names Pacemaker still fills; used when the new ones are absent (Pacemaker < 2.1). */
const LEGACY: Partial<Record<NotifyList, string>> = { promoted: 'master', unpromoted: 'slave' };

export const splitList = (value: string | undefined): string[] => (value ?? '').split(/\s+/).filter(Boolean);

/**
 * Reads the notify variables, which Pacemaker passes to notify and also to
 * start, stop, promote and demote of a notify=true clone. Undefined when absent.
 */
export function parseNotification(meta: Record<string, string>): Notification | undefined {
  const unames = {} as Record<NotifyList, string[]>;
  let present = false;
  for (const list of NOTIFY_LISTS) {
    const key = `notify_${list}_uname`;
    const legacy = LEGACY[list];
    const raw = meta[key] ?? (legacy ? meta[`notify_${legacy}_uname`] : undefined);
    if (raw !== undefined) present = true;
    unames[list] = splitList(raw);
  }
  const type = meta.notify_type;
  const operation = meta.notify_operation;
  if (!present && !type) return undefined;
  return {
    type: type === 'post' ? 'post' : 'pre',
    operation: (['start', 'stop', 'promote', 'demote'].includes(operation ?? '') ? operation : 'start') as Notification['operation'],
    unames,
  };
}

/**
 * Nodes expected to run an instance once the transition is over: (active − stop) ∪ start.
 * A node restarted in the transition (a failed instance's recovery) is in both stop and
 * start, and runs again before any promote of the same transition.
 */
export function nodesAfterTransition(n: Notification): string[] {
  const stopping = new Set(n.unames.stop);
  return [...new Set([...n.unames.active.filter((node) => !stopping.has(node)), ...n.unames.start])];
}

/** No node but `node` is or becomes primary in this transition (a recovery in place, or a cluster start). */
export const noOtherPrimaryAfterTransition = (n: Notification, node: string): boolean => primariesAfterTransition(n).every((p) => p === node);

/** Pacemaker's recovery in place of `node`'s primary: promoted again in this transition, no other primary anywhere. */
export const promotedAgainInPlace = (n: Notification, node: string): boolean => n.unames.promote.includes(node) && noOtherPrimaryAfterTransition(n, node);

/** Nodes holding the promoted role once the transition is over: (promoted − demote − stop) ∪ promote. */
export function primariesAfterTransition(n: Notification): string[] {
  const leaving = new Set([...n.unames.demote, ...n.unames.stop]);
  return [...new Set([...n.unames.promoted.filter((node) => !leaving.has(node)), ...n.unames.promote])];
}
