import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseLsn, type Lsn } from './lsn.js';

/** One line of a timeline history file: `timeline` ended at `switchpoint`, where its child begins. */
export interface TimelineSwitch {
  timeline: number;
  switchpoint: Lsn;
}

/**
 * Parses a timeline history file ("<parent tli>\t<switchpoint>\t<reason>"
 * lines, comments and blank lines ignored), as PostgreSQL's readTimeLineHistory does.
 */
export function parseTimelineHistory(text: string): TimelineSwitch[] {
  const switches: TimelineSwitch[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [tli, lsn] = line.split(/\s+/);
    const timeline = Number(tli);
    if (!Number.isInteger(timeline) || timeline <= 0 || lsn === undefined) throw new Error(`invalid timeline history line: "${line}"`);
    const previous = switches.at(-1);
    if (previous && timeline <= previous.timeline) throw new Error(`timeline history is not increasing at "${line}"`);
    switches.push({ timeline, switchpoint: parseLsn(lsn) });
  }
  return switches;
}

export const historyFileName = (timeline: number) => `${timeline.toString(16).toUpperCase().padStart(8, '0')}.history`;

/**
 * The history of `timeline` as this data directory holds it: [] for timeline
 * 1 (it has no parent), undefined when the history file is missing.
 */
export async function readLocalTimelineHistory(datadir: string, timeline: number): Promise<TimelineSwitch[] | undefined> {
  if (timeline === 1) return [];
  try {
    return parseTimelineHistory(await readFile(join(datadir, 'pg_wal', historyFileName(timeline)), 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
