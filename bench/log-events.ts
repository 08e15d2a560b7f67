import { pacemakerLogLines, parseLogTime } from '../src/lab/pacemaker-log.js';

/**
 * Moments read from the nodes' Pacemaker logs (millisecond timestamps),
 * to split a write outage into detection and what follows it.
 */

/** When the first log line matching `pattern` at or after `after` was written on any of `nodes` (powered on or not). */
export async function firstLogEvent(nodes: readonly string[], pattern: RegExp, after: number): Promise<number | undefined> {
  const stamps = await Promise.all(nodes.map(async (node) => (await pacemakerLogLines(node, pattern, after)).map((line) => parseLogTime(line)!)));
  const all = stamps.flat();
  return all.length > 0 ? Math.min(...all) : undefined;
}

/** A failed recurring monitor of the PostgreSQL resource (anything but ok, promoted or cancelled). */
export const FAILED_MONITOR = /Result of monitor operation for pgsqld on [^:]+: (not running|error|promoted \(failed\)|failed|Timed Out|unknown)/;
/** Corosync membership dropped the node. */
export const NODE_LOST = /state is now lost/;
/** The VIP started (on the new primary), as Pacemaker records it. */
export const VIP_STARTED = /Result of start operation for pgsql-pri-ip on [^:]+: ok/;
/** The DC's scheduler produced a transition (the first after a node loss is the one that fences it and recovers its resources). */
export const TRANSITION_CALCULATED = /Calculated transition \d+/;
