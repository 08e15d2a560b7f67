import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Lsn } from './lsn.js';

/** WAL segment file names: timeline, then the segment number split in two 8-digit hex halves. */
export interface WalSegment {
  timeline: number;
  segno: bigint;
}

const SEGMENT_NAME = /^([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})$/;

/** Segments per "xlogid" (the middle 8 digits): 4 GiB of WAL. */
const segmentsPerId = (segmentSize: bigint) => 0x1_0000_0000n / segmentSize;

export function parseWalFileName(name: string, segmentSize: bigint): WalSegment | undefined {
  const match = SEGMENT_NAME.exec(name);
  if (!match) return undefined;
  return { timeline: Number.parseInt(match[1]!, 16), segno: BigInt(`0x${match[2]}`) * segmentsPerId(segmentSize) + BigInt(`0x${match[3]}`) };
}

export function walFileName(timeline: number, segno: bigint, segmentSize: bigint): string {
  const hex = (v: bigint | number) => v.toString(16).toUpperCase().padStart(8, '0');
  const perId = segmentsPerId(segmentSize);
  return `${hex(timeline)}${hex(segno / perId)}${hex(segno % perId)}`;
}

export const segmentOf = (lsn: Lsn, segmentSize: bigint): bigint => lsn / segmentSize;

/** The WAL segment files in a data directory's pg_wal, with their sizes. */
export async function listWalSegments(datadir: string): Promise<{ name: string; bytes: number }[]> {
  const dir = join(datadir, 'pg_wal');
  const files: { name: string; bytes: number }[] = [];
  for (const name of (await readdir(dir)).sort()) {
    if (!SEGMENT_NAME.test(name)) continue;
    const info = await stat(join(dir, name));
    if (info.isFile()) files.push({ name, bytes: info.size });
  }
  return files;
}

/** The segment size of a data directory: every segment file has it (wal_segment_size, fixed at initdb). */
export async function walSegmentSize(datadir: string): Promise<bigint | undefined> {
  const first = (await listWalSegments(datadir))[0];
  return first && first.bytes > 0 ? BigInt(first.bytes) : undefined;
}

/**
 * The timeline a standby's replay position is on, from its pg_wal: the
 * highest timeline holding the segment with the last replayed byte.
 * pg_control lags here (a standby's checkpoint and minimum recovery
 * timelines stay on the old timeline until a restartpoint), and a standby
 * that could not follow a new timeline (diverged) never received its
 * segments, so it is not credited with that timeline either.
 */
export function timelineOfSegment(names: readonly string[], lsn: Lsn, segmentSize: bigint): number | undefined {
  const segno = segmentOf(lsn > 0n ? lsn - 1n : 0n, segmentSize);
  let best: number | undefined;
  for (const name of names) {
    const segment = parseWalFileName(name, segmentSize);
    if (segment && segment.segno === segno && (best === undefined || segment.timeline > best)) best = segment.timeline;
  }
  return best;
}

export async function timelineOfLocalWal(datadir: string, lsn: Lsn): Promise<number | undefined> {
  const files = await listWalSegments(datadir);
  const size = files[0] && files[0].bytes > 0 ? BigInt(files[0].bytes) : undefined;
  return size === undefined ? undefined : timelineOfSegment(files.map((f) => f.name), lsn, size);
}
