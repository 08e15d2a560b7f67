import { RESOURCE, VIP_RESOURCE } from '../src/lab/cib-commands.js';
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
export const FAILED_MONITOR = new RegExp(`Result of monitor operation for ${RESOURCE} on [^:]+: (not running|error|promoted \\(failed\\)|failed|Timed Out|unknown)`);
/** Corosync membership dropped the node. */
export const NODE_LOST = /state is now lost/;
/** The VIP started (on the new primary), as Pacemaker records it. */
export const VIP_STARTED = new RegExp(`Result of start operation for ${VIP_RESOURCE} on [^:]+: ok`);
/** The DC's scheduler produced a transition (the first after a node loss is the one that fences it and recovers its resources). */
export const TRANSITION_CALCULATED = /Calculated transition \d+/;

/** The steps of a recovery the step-by-step timeline names, each at its first occurrence. */
const RECOVERY_STEPS: readonly [label: (m: RegExpExecArray) => string, pattern: RegExp][] = [
  [(m) => `transition ${m[1]}`, /Calculated transition (\d+)/],
  [(m) => `transition ${m[1]} aborted (${m[2]})`, /Transition (\d+) aborted:? (?:by )?([^|]*?)\s*(?:\||$)/],
  [() => 'fenced', /Operation '(?:reboot|off)' targeting \S+ by \S+ for \S+: OK/],
  [(m) => `${m[1]}-${m[2]}`, new RegExp(`Initiating notify operation ${RESOURCE}_(pre|post)_notify_(\\w+?)_0`)],
  [() => 'promote', new RegExp(`Initiating promote operation ${RESOURCE}_promote_0`)],
  [(m) => `promote ${m[1]}`, new RegExp(`Result of promote operation for ${RESOURCE} on \\S+: (.+?) \\|`)],
  [() => 'VIP started', VIP_STARTED],
];

/** The nodes' Pacemaker log lines stamped from `from` to `until`, merged in time order. */
export async function mergedLogLines(nodes: readonly string[], from: number, until: number): Promise<string[]> {
  const lines = (await Promise.all(nodes.map((node) => pacemakerLogLines(node, /./, from)))).flat();
  return lines.filter((line) => parseLogTime(line)! <= until).sort((a, b) => parseLogTime(a)! - parseLogTime(b)!);
}

/** Each step of a recovery at its first occurrence, as milliseconds after `from`, in time order. */
export function recoverySteps(lines: readonly string[], from: number): Map<string, number> {
  const steps = new Map<string, number>();
  for (const line of lines) {
    const at = parseLogTime(line)!;
    for (const [label, pattern] of RECOVERY_STEPS) {
      const m = pattern.exec(line);
      if (!m) continue;
      const name = label(m);
      if (!steps.has(name) || steps.get(name)! > at - from) steps.set(name, at - from);
    }
  }
  return new Map([...steps].sort((a, b) => a[1] - b[1]));
}

/**
 * A one-line account of a recovery (recoverySteps): each step as milliseconds
 * after detection, so an outlier run can be explained after the
 * lab that ran it is gone.
 */
export const recoveryTimeline = (steps: ReadonlyMap<string, number>): string => [...steps].map(([name, at]) => `${name} +${at}`).join(', ');

/**
 * The agent's share of a node-crash recovery in the order Pacemaker runs it: fencing, then a
 * notification round before and after each of the lost primary's demote and stop and the
 * survivor's promote, then the VIP. Each phase runs from one step's start to the next's.
 */
export const AGENT_SHARE_STEPS = ['pre-demote', 'fenced', 'post-demote', 'pre-stop', 'post-stop', 'pre-promote', 'promote', 'promote ok', 'VIP started'] as const;
/** The phases of the agent's share, each from one step to the next, starting at the first transition. */
export const AGENT_SHARE_PHASES = AGENT_SHARE_STEPS.map((to, i) => [(['transition', ...AGENT_SHARE_STEPS] as const)[i]!, to] as const);

/** The first transition calculated, by whatever number it has, then the named steps. */
export function agentShareSteps(steps: ReadonlyMap<string, number>): Partial<Record<'transition' | (typeof AGENT_SHARE_STEPS)[number], number>> {
  const transition = [...steps].find(([name]) => /^transition \d+$/.test(name))?.[1];
  const named = Object.fromEntries(AGENT_SHARE_STEPS.flatMap((name) => (steps.has(name) ? [[name, steps.get(name)!]] : [])));
  return transition === undefined ? named : { transition, ...named };
}
