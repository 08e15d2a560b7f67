import { formatLsn, type Lsn } from '../pg/lsn.js';
import { historyFileName } from '../pg/timeline-history.js';
import { parseWalFileName, segmentOf } from '../pg/wal-files.js';
import type { LocalWal } from './divergence.js';

export interface Fork {
  forkLsn: Lsn;
  forkTimeline: number;
}

/**
 * The local files holding WAL the rejoin discards: segments of the local
 * timelines from the fork on (the fork's timeline and its local descendants),
 * from the fork's segment to the one holding the end of WAL, plus their
 * history files. Recycled segments past the end hold no WAL of this history.
 */
export function evidenceFiles(files: readonly string[], segmentSize: bigint, local: LocalWal, fork: Fork): string[] {
  const lineage = [...(local.history ?? []).map((s) => s.timeline), local.timeline].filter((t) => t >= fork.forkTimeline);
  const first = segmentOf(fork.forkLsn, segmentSize);
  const last = segmentOf(local.endLsn > 0n ? local.endLsn - 1n : 0n, segmentSize);
  const segments = files.filter((name) => {
    const s = parseWalFileName(name, segmentSize);
    return s !== undefined && lineage.includes(s.timeline) && s.segno >= first && s.segno <= last;
  });
  const histories = lineage.filter((t) => t > 1).map(historyFileName).filter((name) => files.includes(name));
  return [...segments, ...histories];
}

export interface SpaceFacts {
  /** Bytes the evidence needs. */
  neededBytes: number;
  /** Bytes the rewind archive already holds. */
  archiveBytes: number;
  maxBytes: number;
  /** Free and total bytes of the archive's file system. */
  freeBytes: number;
  totalBytes: number;
}

export type CopyDecision = { copy: true } | { copy: false; warning: string };

const MB = 1024 * 1024;
const mb = (bytes: number) => `${Math.ceil(bytes / MB)} MB`;

/** Free space always left on the archive's file system: 5% of it, at least 256 MB. */
export const reserveBytes = (totalBytes: number) => Math.max(256 * MB, Math.ceil(totalBytes * 0.05));

/** Copies only within the archive's size limit and never eats into the file system's reserve. */
export function decideEvidenceCopy(f: SpaceFacts): CopyDecision {
  if (f.archiveBytes + f.neededBytes > f.maxBytes) {
    return { copy: false, warning: `NOT COPIED: the rewind archive would exceed rewind_archive_max_mb (${mb(f.maxBytes)}): it holds ${mb(f.archiveBytes)}, this needs ${mb(f.neededBytes)}` };
  }
  const reserve = reserveBytes(f.totalBytes);
  if (f.freeBytes - f.neededBytes < reserve) {
    return { copy: false, warning: `NOT COPIED: ${mb(f.neededBytes)} would leave less than ${mb(reserve)} free on the archive's file system (${mb(f.freeBytes)} free)` };
  }
  return { copy: true };
}

export interface Manifest {
  node: string;
  createdAt: string;
  action: string;
  systemIdentifier: string;
  forkLsn: string;
  forkTimeline: number;
  localTimeline: number;
  newTimeline: number;
  discardedRange: { from: string; to: string };
  primaryFlushLsn: string;
  files: string[];
  copied: boolean;
  warning?: string;
  inspectWith: string;
}

/** What a rewind or re-clone is about to discard, as the manifest records it. */
export interface EvidenceFacts {
  action: string;
  systemIdentifier: string;
  local: LocalWal;
  fork: Fork;
  newTimeline: number;
  primaryFlushLsn: Lsn;
}

export function buildManifest(m: EvidenceFacts & { node: string; now: Date; files: string[]; decision: CopyDecision; archivePath: string }): Manifest {
  return {
    node: m.node,
    createdAt: m.now.toISOString(),
    action: m.action,
    systemIdentifier: m.systemIdentifier,
    forkLsn: formatLsn(m.fork.forkLsn),
    forkTimeline: m.fork.forkTimeline,
    localTimeline: m.local.timeline,
    newTimeline: m.newTimeline,
    discardedRange: { from: formatLsn(m.fork.forkLsn), to: formatLsn(m.local.endLsn) },
    primaryFlushLsn: formatLsn(m.primaryFlushLsn),
    files: m.files,
    copied: m.decision.copy,
    ...(m.decision.copy ? {} : { warning: m.decision.warning }),
    inspectWith: `pg_waldump --path ${m.archivePath} --timeline ${m.fork.forkTimeline} --start ${formatLsn(m.fork.forkLsn)}`,
  };
}
