import { run } from '../../src/exec/run.js';
import { clusterView } from '../../src/lab/cluster-watch.js';
import { CLIENT_NETNS, VIP } from '../../src/lab/layout.js';
import { pacemakerLogLines } from '../../src/lab/pacemaker-log.js';
import { labNodes } from '../../src/lab/power.js';
import type { WriteEvent } from '../../src/lab/writer.js';

/** What Pacemaker and the agent said about the resources, fencing and elections. */
const NOTABLE = /synchronous|Result of (start|stop|promote|demote|monitor) operation|ocf-exit-reason|pgsqld.*(warning|error)|fenc|stonith.*(error|warning)|election|transition.*aborted|Calculated transition/i;
/** The first lines say what went wrong, the last ones where it ended up. */
const FIRST_LINES = 20;
const LAST_LINES = 20;
const MAX_LINE = 240;

/**
 * Why writes have not come back after a fault, for a failing test's message:
 * the writer's errors since the fault, the cluster as Pacemaker sees it, where
 * the client's ARP sends the VIP, and each node's notable log lines since the fault.
 */
export async function outageReport(events: readonly WriteEvent[], faultAt: number): Promise<string> {
  const errors = new Map<string, number>();
  for (const e of events) if (!e.ok && e.end >= faultAt) errors.set(e.error ?? '?', (errors.get(e.error ?? '?') ?? 0) + 1);
  const sections = [
    `writer errors since the fault: ${JSON.stringify(Object.fromEntries(errors))}`,
    `cluster: ${JSON.stringify(await clusterView().catch((error: unknown) => String(error)))}`,
    `client neighbour for the VIP: ${(await run('ip', ['netns', 'exec', CLIENT_NETNS, 'ip', 'neigh', 'show', VIP], { timeoutMs: 5_000 })).stdout.trim()}`,
  ];
  for (const node of await labNodes()) {
    const all = (await pacemakerLogLines(node, NOTABLE, faultAt)).map((line) => line.slice(0, MAX_LINE));
    const lines = all.length <= FIRST_LINES + LAST_LINES ? all : [...all.slice(0, FIRST_LINES), `… ${all.length - FIRST_LINES - LAST_LINES} lines …`, ...all.slice(-LAST_LINES)];
    sections.push(`${node}'s log since the fault:\n  ${lines.join('\n  ') || '(nothing)'}`);
  }
  return sections.join('\n');
}
