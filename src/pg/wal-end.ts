import { run } from '../exec/run.js';
import { formatLsn, parseLsn, type Lsn } from './lsn.js';
import { parseWalFileName } from './wal-files.js';

/** Where pg_waldump stopped: the last valid record it read, and the first position past it. */
export interface WalEnd {
  lastRecord: Lsn | undefined;
  /** Exclusive: no valid local WAL at or after this position. */
  end: Lsn;
}

const LSN = '([0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8})';

/**
 * Reads the end of WAL from pg_waldump's final error (run with --stats, so
 * records are counted, not printed; --quiet is PostgreSQL 15+). Forms, PostgreSQL 13-17:
 *   error in WAL record at A: invalid record length at B: wanted 24, got 0
 *   error in WAL record at A: unexpected pageaddr X in log segment S, offset O
 *   could not find file "S": No such file or directory   (WAL ends at a segment boundary)
 * A is the last valid record; B, or S + O, the position where reading failed.
 */
export function parseWaldumpEnd(stderr: string, segmentSize: bigint): WalEnd | undefined {
  const missing = /could not (?:find|open) file "(?:[^"]*\/)?([0-9A-F]{24})"/.exec(stderr);
  const record = new RegExp(`error in WAL record at ${LSN}: (.*)`).exec(stderr);
  if (!record) {
    const segment = missing ? parseWalFileName(missing[1]!, segmentSize) : undefined;
    return segment ? { lastRecord: undefined, end: segment.segno * segmentSize } : undefined;
  }
  const lastRecord = parseLsn(record[1]!);
  const detail = record[2]!;
  const at = new RegExp(`\\bat ${LSN}`).exec(detail);
  if (at) return { lastRecord, end: parseLsn(at[1]!) };
  const inSegment = /in (?:log|WAL) segment ([0-9A-F]{24}), (?:LSN [0-9A-F/]+, )?offset (\d+)/.exec(detail);
  const segment = inSegment ? parseWalFileName(inSegment[1]!, segmentSize) : undefined;
  if (segment) return { lastRecord, end: segment.segno * segmentSize + BigInt(inSegment![2]!) };
  // Unknown wording: the last record at least starts there, so the WAL reaches one byte past it.
  return { lastRecord, end: lastRecord + 1n };
}

/**
 * Reads the local WAL of `timeline` from `start` (a record boundary, e.g. the
 * last checkpoint's redo) to its end, with pg_waldump as the instance's OS
 * user. undefined when no valid record follows `start`.
 */
export async function findWalEnd(opts: { bindir: string; datadir: string; user: string; timeline: number; start: Lsn; segmentSize: bigint; timeoutMs: number }): Promise<WalEnd | undefined> {
  const result = await run(
    `${opts.bindir}/pg_waldump`,
    ['--stats', '--path', `${opts.datadir}/pg_wal`, '--timeline', String(opts.timeline), '--start', formatLsn(opts.start)],
    { user: opts.user, timeoutMs: opts.timeoutMs },
  );
  if (result.timedOut) throw new Error(`pg_waldump timed out reading the local WAL of timeline ${opts.timeline}`);
  return parseWaldumpEnd(result.stderr, opts.segmentSize);
}
