import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeDataDirectoryFile } from '../pg/data-directory-file.js';
import { queryRow, type SqlClient } from '../pg/sql.js';

/** ALTER SYSTEM takes no bind parameters: the value is quoted here as an SQL literal. */
const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;

/**
 * The value this agent last gave synchronous_standby_names, kept in the data
 * directory beside postgresql.auto.conf: pg_basebackup and pg_rewind copy
 * both, so a clone knows whether the setting it inherited is the agent's
 * (to release when sync_mode is off) or a DBA's (never touched).
 */
export const AGENT_MARK_FILE = 'pgha.synchronous_standby_names';

export async function readAgentMark(datadir: string): Promise<string | undefined> {
  return readFile(join(datadir, AGENT_MARK_FILE), 'utf8').catch(() => undefined);
}

async function writeAgentMark(datadir: string, names: string): Promise<void> {
  if (names === '') return rm(join(datadir, AGENT_MARK_FILE), { force: true });
  await writeDataDirectoryFile(datadir, AGENT_MARK_FILE, names, 0o600);
}

/**
 * Sets synchronous_standby_names and reloads; returns the primary's WAL
 * position at the switch. The mark is written first: a crash in between
 * leaves a mismatch, which only ever means "not ours, leave it".
 */
export async function setStandbyNames(client: SqlClient, names: string, datadir: string): Promise<bigint> {
  await writeAgentMark(datadir, names);
  await client.query(`ALTER SYSTEM SET synchronous_standby_names = ${literal(names)}`);
  await client.query('SELECT pg_reload_conf()');
  const row = await queryRow<{ lsn: string }>(client, 'SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), \'0/0\')::text AS lsn');
  return BigInt(row!.lsn.split('.')[0]!);
}
