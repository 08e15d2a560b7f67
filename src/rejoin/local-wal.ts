import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { getProcessDeadline } from '../exec/run.js';
import type { Controldata } from '../pg/controldata.js';
import { maxLsn, type Lsn } from '../pg/lsn.js';
import type { LocalStatus } from '../pg/queries.js';
import { readLocalTimelineHistory } from '../pg/timeline-history.js';
import { findWalEnd } from '../pg/wal-end.js';
import { listWalSegments, parseWalFileName, segmentOf, walSegmentSize } from '../pg/wal-files.js';
import type { LocalWal } from './divergence.js';

export interface LocalInstance {
  bindir: string;
  datadir: string;
  systemUser: string;
}

/**
 * The WAL of a stopped instance, as its next start will use it.
 * - Cleanly shut down primary: the shutdown checkpoint is its last record (a
 *   byte past its start places it against a switchpoint).
 * - Crashed primary: crash recovery replays every valid record, so the last
 *   one pg_waldump finds from the checkpoint's redo, on the newest timeline
 *   with segments from there (a promotion's timeline may lack a checkpoint).
 * - In recovery (a standby, a rewound or base-backed-up copy): recovery
 *   follows the newest timeline's history and skips local WAL past its
 *   switchpoints, except what the data files already hold: up to the
 *   minimum recovery point, or the checkpoint, whichever is later.
 */
export async function localWalOfStoppedInstance(instance: LocalInstance, control: Controldata): Promise<LocalWal | undefined> {
  const backupLabel = existsSync(join(instance.datadir, 'backup_label'));
  if (control.checkpointLsn === undefined) return undefined;
  const checkpoint = { timeline: control.checkpointTimeline, lsn: control.checkpointLsn + 1n };
  if (control.state === 'shut down' && !backupLabel) return withHistory(instance, checkpoint.timeline, checkpoint.lsn);
  if (CRASHED_PRIMARY.includes(control.state) && !backupLabel) return crashedPrimaryWal(instance, control);
  const minRecovery = control.minRecoveryEndLsn && control.minRecoveryEndTimeline > 0 ? { timeline: control.minRecoveryEndTimeline, lsn: control.minRecoveryEndLsn } : undefined;
  const later = minRecovery && minRecovery.lsn > checkpoint.lsn ? minRecovery : checkpoint;
  return withHistory(instance, later.timeline, later.lsn);
}

const CRASHED_PRIMARY: readonly Controldata['state'][] = ['in production', 'in crash recovery', 'shutting down'];

async function crashedPrimaryWal(instance: LocalInstance, control: Controldata): Promise<LocalWal | undefined> {
  if (control.redoLsn === undefined) return undefined;
  const segmentSize = await walSegmentSize(instance.datadir);
  if (segmentSize === undefined) return undefined;
  const redoSegment = segmentOf(control.redoLsn, segmentSize);
  const segments = (await listWalSegments(instance.datadir)).map((f) => parseWalFileName(f.name, segmentSize)!);
  const timelines = [...new Set(segments.filter((s) => s.timeline >= control.checkpointTimeline && s.segno >= redoSegment).map((s) => s.timeline))].sort((a, b) => b - a);
  for (const timeline of timelines) {
    // A newer timeline starts in a copy of its parent's segment: read it from its first segment on.
    const first = segments.filter((s) => s.timeline === timeline && s.segno >= redoSegment).reduce((a, s) => (s.segno < a ? s.segno : a), BigInt(Number.MAX_SAFE_INTEGER));
    const start = timeline === control.checkpointTimeline ? control.redoLsn : first * segmentSize;
    const timeoutMs = Math.max(1_000, getProcessDeadline().remainingMs() / 4);
    const found = await findWalEnd({ ...instance, user: instance.systemUser, timeline, start, segmentSize, timeoutMs });
    if (found) return withHistory(instance, timeline, found.end);
  }
  return undefined;
}

/**
 * The WAL of a running standby: replayed or received, whichever reaches
 * further. Its timeline is the newest one with a segment file holding that
 * position (pg_control's checkpoint timeline lags until a restartpoint).
 */
export async function localWalOfRunningStandby(instance: LocalInstance, status: LocalStatus): Promise<LocalWal | undefined> {
  const end = maxLsn(status.receiveLsn, status.replayLsn);
  const segmentSize = await walSegmentSize(instance.datadir);
  if (end === undefined || end === 0n || segmentSize === undefined) return undefined;
  const segment = segmentOf(end - 1n, segmentSize);
  const holding = (await listWalSegments(instance.datadir)).map((f) => parseWalFileName(f.name, segmentSize)!).filter((s) => s.segno === segment);
  const timeline = Math.max(status.timeline, ...holding.map((s) => s.timeline));
  return withHistory(instance, timeline, end);
}

async function withHistory(instance: LocalInstance, timeline: number, endLsn: Lsn): Promise<LocalWal> {
  return { timeline, endLsn, history: await readLocalTimelineHistory(instance.datadir, timeline) };
}
