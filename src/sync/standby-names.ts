import { queryRow, type SqlClient } from '../pg/sql.js';

/** ALTER SYSTEM takes no bind parameters: the value is quoted here as an SQL literal. */
const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** Sets synchronous_standby_names and reloads; returns the primary's WAL position at the switch. */
export async function setStandbyNames(client: SqlClient, names: string): Promise<bigint> {
  await client.query(`ALTER SYSTEM SET synchronous_standby_names = ${literal(names)}`);
  await client.query('SELECT pg_reload_conf()');
  const row = await queryRow<{ lsn: string }>(client, 'SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), \'0/0\')::text AS lsn');
  return BigInt(row!.lsn.split('.')[0]!);
}
