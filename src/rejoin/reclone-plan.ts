/** Facts for placing a re-clone next to the old data directory. */
export interface RecloneSpace {
  /** Bytes of the old data directory: the new copy will be about as large. */
  datadirBytes: number;
  freeBytes: number;
  totalBytes: number;
}

export type RecloneDecision = { keepAside: true } | { keepAside: false; reason: string };

const GB = 1024 ** 3;
const gb = (bytes: number) => `${(bytes / GB).toFixed(1)} GB`;

/**
 * A re-clone keeps the old data directory aside (renamed, so it costs no
 * space) and needs room for a new copy as large plus a reserve (5%, at least
 * 1 GB). Without that room it refuses: deleting the old data is not its call.
 */
export function decideReclone(s: RecloneSpace): RecloneDecision {
  const reserve = Math.max(GB, Math.ceil(s.totalBytes * 0.05));
  const needed = Math.ceil(s.datadirBytes * 1.1) + reserve;
  if (s.freeBytes >= needed) return { keepAside: true };
  return {
    keepAside: false,
    reason: `not enough space to re-clone while keeping the old data directory aside (needs about ${gb(needed)}, ${gb(s.freeBytes)} free): free space, or move the old data directory away yourself, then run "pgha reclone"`,
  };
}

/** Where the old data directory goes: next to it, on the same file system, named after the time. */
export const asidePath = (datadir: string, now: Date) => `${datadir.replace(/\/+$/, '')}.pgha-old-${now.toISOString().replace(/[:.]/g, '-')}`;
