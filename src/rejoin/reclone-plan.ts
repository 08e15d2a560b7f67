/**
 * A directory a re-clone replaces, as found before it starts: the data
 * directory, or a tablespace location outside it (pg_basebackup writes each
 * tablespace to the same absolute path as on the source).
 */
export interface LocalDirectory {
  /** How messages name it: "data directory" or "tablespace <oid>". */
  label: string;
  /** Its real path (symbolic links resolved), so the old copy stays on its own file system. */
  path: string;
  /** Nothing in it: nothing to keep, pg_basebackup fills it in place. */
  empty: boolean;
  /** A mount point cannot be renamed (EBUSY). */
  mountPoint: boolean;
  /** Bytes in it: the new copy will be about as large. */
  bytes: number;
  uid: number;
  gid: number;
  /** Its file system, where the new copy lands (renamed, the old one stays there too): st_dev, free and total bytes. */
  fs: { id: number; freeBytes: number; totalBytes: number };
}

/** What the re-clone does with one directory: renames it to `aside` and recreates it empty, or (empty) fills it in place. */
export interface RecloneStep {
  label: string;
  path: string;
  uid: number;
  gid: number;
  aside: string | undefined;
}

export type KeptAside = RecloneStep & { aside: string };

export type RecloneDecision = { keepAside: true; steps: RecloneStep[] } | { keepAside: false; reason: string };

export const DATA_DIRECTORY = 'data directory';

const GB = 1024 ** 3;
const gb = (bytes: number) => `${(bytes / GB).toFixed(1)} GB`;

/**
 * A re-clone keeps every old directory aside (renamed, so it costs no space)
 * and needs room, on each file system, for new copies as large plus a reserve
 * (5%, at least 1 GB). Without that room it refuses: deleting the old data is not its call.
 */
export function decideReclone(directories: readonly LocalDirectory[], now: Date): RecloneDecision {
  const stuck = directories.find((d) => d.mountPoint && !d.empty);
  if (stuck) return { keepAside: false, reason: `the ${stuck.label} ${stuck.path} is a mount point, which cannot be renamed aside; nothing was changed: ${mountPointAdvice(stuck.label)}` };
  const byFileSystem = new Map<number, LocalDirectory[]>();
  for (const d of directories) byFileSystem.set(d.fs.id, [...(byFileSystem.get(d.fs.id) ?? []), d]);
  for (const onFs of byFileSystem.values()) {
    const { freeBytes, totalBytes } = onFs[0]!.fs;
    const reserve = Math.max(GB, Math.ceil(totalBytes * 0.05));
    const needed = Math.ceil(onFs.reduce((sum, d) => sum + d.bytes, 0) * 1.1) + reserve;
    if (freeBytes < needed) {
      return {
        keepAside: false,
        reason: `not enough space to re-clone the ${onFs.map((d) => `${d.label} ${d.path}`).join(', ')} while keeping the old data aside (needs about ${gb(needed)}, ${gb(freeBytes)} free): free space, or move the old data away yourself, then run "pgha reclone"`,
      };
    }
  }
  return { keepAside: true, steps: directories.map(({ label, path, uid, gid, empty }) => ({ label, path, uid, gid, aside: empty ? undefined : asidePath(path, now) })) };
}

/** Where an old directory goes: next to it, on the same file system, named after the time. */
export const asidePath = (path: string, now: Date) => `${path.replace(/\/+$/, '')}.pgha-old-${now.toISOString().replace(/[:.]/g, '-')}`;

/** A tablespace location inside the data directory goes aside with it. */
export function isWithin(dir: string, path: string): boolean {
  const base = dir.replace(/\/+$/, '');
  return path === base || path.startsWith(`${base}/`);
}

/**
 * What the DBA does about a mount point. An empty tablespace location is
 * filled in place, so "pgha reclone" can then proceed; an empty data
 * directory is no instance to re-clone, so that one is done by hand.
 */
const mountPointAdvice = (label: string) =>
  label === DATA_DIRECTORY
    ? 'move its contents elsewhere yourself and re-clone it with pg_basebackup'
    : 'move its contents elsewhere yourself (keep them: they are the old tablespace) and leave it empty, then run "pgha reclone"';

/** The mount points in /proc/self/mountinfo (fifth field, with spaces and such octal-escaped). */
export function mountPoints(mountinfo: string): Set<string> {
  const unescape = (field: string) => field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
  return new Set(mountinfo.split('\n').flatMap((line) => {
    const field = line.split(' ')[4];
    return field === undefined ? [] : [unescape(field)];
  }));
}

export const describeStep = (step: RecloneStep) =>
  step.aside ? `would move the ${step.label} ${step.path} aside to ${step.aside} and recreate it empty` : `the ${step.label} ${step.path} is empty: pg_basebackup fills it in place`;

export const describeKept = (kept: KeptAside) => `old ${kept.label} ${kept.path} kept in ${kept.aside}`;

export const keptAside = (steps: readonly RecloneStep[]): KeptAside[] => steps.filter((s): s is KeptAside => s.aside !== undefined);
