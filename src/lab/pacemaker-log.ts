import { readFile } from 'node:fs/promises';
import { hostPathOf } from './node-fs.js';

/**
 * A lab node's Pacemaker log, read from the host side of its private /var/log,
 * so it can be read whether the node is powered on or not.
 */
const PACEMAKER_LOG = '/var/log/pacemaker/pacemaker.log';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Nov 23 22:31:53.392 node3 ..." in UTC (the lab runs in UTC) to epoch ms. */
export function parseLogTime(line: string, year = new Date().getUTCFullYear()): number | undefined {
  const m = /^(\w{3}) +(\d+) (\d\d):(\d\d):(\d\d)\.(\d{3}) /.exec(line);
  if (!m) return undefined;
  return Date.UTC(year, MONTHS.indexOf(m[1]!), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

/** The lines of `node`'s Pacemaker log stamped at or after `after` that match `pattern`, oldest first. */
export async function pacemakerLogLines(node: string, pattern: RegExp, after: number): Promise<string[]> {
  const text = await readFile(hostPathOf(node, PACEMAKER_LOG), 'utf8').catch(() => '');
  return text.split('\n').filter((line) => {
    const at = parseLogTime(line);
    return at !== undefined && at >= after && pattern.test(line);
  });
}
