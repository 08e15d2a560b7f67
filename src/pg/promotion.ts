import { pollUntil, type Deadline } from '../exec/deadline.js';
import { queryRow, type SqlClient } from './sql.js';

/**
 * Promotes the standby behind `client` and waits, on that one connection,
 * until it accepts writes: pg_promote without its own wait (which looks only
 * every 100 ms), then pg_is_in_recovery() every `pollMs`. A promotion takes a
 * few tens of milliseconds, and Pacemaker starts the VIP only once promote
 * returns. Returns false if the server was still in recovery at the deadline.
 */
export async function promoteAndWait(client: SqlClient, deadline: Deadline, pollMs: number): Promise<boolean> {
  await client.query('SELECT pg_promote(false)');
  const left = await pollUntil(deadline, pollMs, async () =>
    (await queryRow<{ in_recovery: boolean }>(client, 'SELECT pg_is_in_recovery() AS in_recovery'))?.in_recovery === false ? true : undefined,
  );
  return left === true;
}
