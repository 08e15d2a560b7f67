import { formatWalPosition, maxLsn, parseWalPosition, type WalPosition } from '../pg/lsn.js';
import { timelineOfLocalWal } from '../pg/wal-files.js';
import type { LocalStatus } from '../pg/queries.js';

/**
 * Where a node's WAL ends, for the election. A standby that has not streamed
 * since it started reports its receive LSN at the start of a segment (PAF
 * #225), so the replay LSN (all local WAL is replayed at start) counts too.
 * A standby's timeline is the one its WAL files show (`walTimeline`, from
 * timelineOfLocalWal): pg_control stays on the old timeline after a switch.
 */
export function walPositionOf(status: LocalStatus, walTimeline?: number): WalPosition | undefined {
  if (!status.inRecovery) return status.currentLsn === undefined ? undefined : { timeline: status.timeline, lsn: status.currentLsn };
  const lsn = maxLsn(status.receiveLsn, status.replayLsn);
  if (lsn === undefined) return undefined;
  return { timeline: Math.max(status.timeline, status.receiver?.receivedTimeline ?? 0, walTimeline ?? 0), lsn };
}

/** walPositionOf with the timeline read from the data directory's WAL files. */
export async function localWalPosition(status: LocalStatus, datadir: string): Promise<WalPosition | undefined> {
  const lsn = status.inRecovery ? maxLsn(status.receiveLsn, status.replayLsn) : undefined;
  const walTimeline = lsn === undefined ? undefined : await timelineOfLocalWal(datadir, lsn).catch(() => undefined);
  return walPositionOf(status, walTimeline);
}

export const walPositionAttribute = (instance: string) => `pgha-walpos-${instance}`;

/** Appended to a published position by a former primary back with WAL nobody received (redirectTargets). */
const UNREPLICATED_MARK = ' unreplicated';

export const formatPublishedPosition = (position: WalPosition, unreplicated: boolean) => `${formatWalPosition(position)}${unreplicated ? UNREPLICATED_MARK : ''}`;

export function parsePublishedPosition(text: string): { position: WalPosition; unreplicated: boolean } | undefined {
  const trimmed = text.trim();
  const unreplicated = trimmed.endsWith(UNREPLICATED_MARK);
  const position = parseWalPosition(unreplicated ? trimmed.slice(0, -UNREPLICATED_MARK.length) : trimmed);
  return position && { position, unreplicated };
}
