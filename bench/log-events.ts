import { runInNode } from '../src/lab/node-exec.js';

/**
 * Moments read from the nodes' Pacemaker logs (millisecond timestamps),
 * to split a write outage into detection and what follows it.
 */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Nov 23 22:31:53.392 node3 ..." in UTC (the lab runs in UTC) to epoch ms. */
export function parseLogTime(line: string, year = new Date().getUTCFullYear()): number | undefined {
  const m = /^(\w{3}) +(\d+) (\d\d):(\d\d):(\d\d)\.(\d{3}) /.exec(line);
  if (!m) return undefined;
  return Date.UTC(year, MONTHS.indexOf(m[1]!), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

/** The first log line matching `pattern` at or after `after` on any of `nodes` (nodes that are off are skipped). */
export async function firstLogEvent(nodes: readonly string[], pattern: RegExp, after: number): Promise<number | undefined> {
  let first: number | undefined;
  for (const node of nodes) {
    const r = await runInNode(node, ['grep', '-hE', pattern.source, '/var/log/pacemaker/pacemaker.log']).catch(() => undefined);
    for (const line of r?.stdout.split('\n') ?? []) {
      const at = parseLogTime(line);
      if (at !== undefined && at >= after && (first === undefined || at < first)) first = at;
    }
  }
  return first;
}

/** A failed recurring monitor of the PostgreSQL resource (anything but ok, promoted or cancelled). */
export const FAILED_MONITOR = /Result of monitor operation for pgsqld on [^:]+: (not running|error|promoted \(failed\)|failed|Timed Out|unknown)/;
/** Corosync membership dropped the node. */
export const NODE_LOST = /state is now lost/;
/** The VIP started (on the new primary), as Pacemaker records it. */
export const VIP_STARTED = /Result of start operation for pgsql-pri-ip on [^:]+: ok/;
