import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What differs between the PostgreSQL major versions pgha supports (15 to
 * 18), in one place. Everything else pgha reads (pg_stat_replication,
 * pg_stat_wal_receiver, pg_control's states, pg_rewind's and
 * pg_basebackup's flags) is the same in all of them.
 */

/** PostgreSQL 17 generates wait event names from one camel-case list (LibPQWalReceiverConnect became LibpqwalreceiverConnect). */
const WAIT_EVENTS_REGENERATED = 17;
/** initdb enables data checksums by default from PostgreSQL 18 on. */
const CHECKSUMS_BY_DEFAULT = 18;
/** pg_rewind --config-file (a postgresql.conf outside the data directory) exists from PostgreSQL 15 on. */
const REWIND_CONFIG_FILE = 15;

/** The wait event of a WAL receiver still establishing its connection to the primary. */
export function walReceiverConnectWaitEvent(major: number): string {
  return major >= WAIT_EVENTS_REGENERATED ? 'LibpqwalreceiverConnect' : 'LibPQWalReceiverConnect';
}

/** The same name as an SQL expression chosen by the server itself, so that a query needs no separate version round trip. */
export const WAL_RECEIVER_CONNECT_WAIT_EVENT_SQL =
  `CASE WHEN current_setting('server_version_num')::int >= ${WAIT_EVENTS_REGENERATED * 10_000} ` +
  `THEN '${walReceiverConnectWaitEvent(WAIT_EVENTS_REGENERATED)}' ELSE '${walReceiverConnectWaitEvent(WAIT_EVENTS_REGENERATED - 1)}' END`;

/** initdb options for data checksums on or off: each version's default is stated explicitly. */
export function initdbChecksumOptions(major: number, checksums: boolean): string[] {
  if (major >= CHECKSUMS_BY_DEFAULT) return checksums ? [] : ['--no-data-checksums'];
  return checksums ? ['--data-checksums'] : [];
}

export const rewindHasConfigFileOption = (major: number) => major >= REWIND_CONFIG_FILE;

/** The major version in a PG_VERSION file's text ("17"), undefined when it is not one. */
export function parseMajorVersion(text: string): number | undefined {
  const match = /^\s*(\d+)(?:\.\d+)?\s*$/.exec(text);
  return match ? Number(match[1]) : undefined;
}

/** The major version a data directory was initialised with (its PG_VERSION), undefined when unreadable. */
export function dataDirectoryMajor(datadir: string): number | undefined {
  try {
    return parseMajorVersion(readFileSync(join(datadir, 'PG_VERSION'), 'utf8'));
  } catch {
    return undefined;
  }
}
