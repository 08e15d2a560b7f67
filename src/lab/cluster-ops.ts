import { join } from 'node:path';
import { CLONE } from './cib-commands.js';
import { PG_PORT } from './layout.js';
import { labPostgres } from './lab-postgres.js';
import { runInNode, runInNodeChecked } from './node-exec.js';
import { LAB_USER } from './pg-config.js';
import { WRITES_TABLE } from './postgres-setup.js';

/** Operator actions and SQL reads the tests perform on a running lab. */

/** Planned switchover: move the Promoted role to `target` (crm_resource --move --promoted), asked from `from`. */
export async function movePromoted(from: string, target: string): Promise<void> {
  await runInNodeChecked(from, ['crm_resource', '--move', '--promoted', '--resource', CLONE, '--node', target], { timeoutMs: 30_000 });
}

/** Removes the location constraint left by a move (always done after the switchover completes). */
export async function clearMove(from: string): Promise<void> {
  await runInNodeChecked(from, ['crm_resource', '--clear', '--resource', CLONE], { timeoutMs: 30_000 });
}

/** Sets the clone's target-role (Stopped stops every instance), or removes it when undefined: a cluster start without a restart of Pacemaker. */
export async function setCloneRole(from: string, role: 'Stopped' | undefined): Promise<void> {
  const change = role ? ['--set-parameter', 'target-role', '--parameter-value', role] : ['--delete-parameter', 'target-role'];
  await runInNodeChecked(from, ['crm_resource', '--resource', CLONE, '--meta', ...change], { timeoutMs: 30_000 });
}

/** Runs SQL on a node's local instance (Unix socket), returning unaligned tuples. */
export async function sqlOnNode(node: string, sql: string): Promise<string> {
  const { bindir } = await labPostgres();
  const result = await runInNodeChecked(
    node,
    [join(bindir, 'psql'), '-X', '-At', '-h', '/run/postgresql', '-p', String(PG_PORT), '-U', LAB_USER, '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-c', sql],
    { user: 'postgres', timeoutMs: 20_000 },
  );
  return result.stdout;
}

/** Row numbers present in the writes table on a node, from `first` on (up to `last`). */
export async function rowsOnNode(node: string, first: number, last?: number): Promise<Set<number>> {
  const upTo = last === undefined ? '' : ` AND n <= ${Math.floor(last)}`;
  const text = await sqlOnNode(node, `SELECT n FROM ${WRITES_TABLE} WHERE n >= ${Math.floor(first)}${upTo}`);
  return new Set(text.split('\n').filter(Boolean).map(Number));
}

/** application_name of the standbys streaming from the node (its pg_stat_replication). */
export async function streamingStandbys(node: string): Promise<string[]> {
  const text = await sqlOnNode(node, "SELECT application_name FROM pg_stat_replication WHERE state = 'streaming' ORDER BY 1");
  return text.split('\n').filter(Boolean);
}

/** pg_is_in_recovery() on a node, or undefined if its instance does not answer. */
export async function inRecovery(node: string): Promise<boolean | undefined> {
  const { bindir } = await labPostgres();
  const result = await runInNode(
    node,
    [join(bindir, 'psql'), '-X', '-At', '-h', '/run/postgresql', '-p', String(PG_PORT), '-U', LAB_USER, '-d', 'postgres', '-c', 'SELECT pg_is_in_recovery()'],
    { user: 'postgres', timeoutMs: 5_000 },
  ).catch(() => undefined);
  if (!result || result.exitCode !== 0) return undefined;
  return result.stdout.trim() === 't';
}

/** Received WAL position of a standby (pg_last_wal_receive_lsn) as a byte offset. */
export async function receivedLsn(node: string): Promise<bigint | undefined> {
  const text = (await sqlOnNode(node, 'SELECT pg_last_wal_receive_lsn()')).trim();
  const match = /^([0-9A-F]+)\/([0-9A-F]+)$/i.exec(text);
  return match ? (BigInt(`0x${match[1]}`) << 32n) + BigInt(`0x${match[2]}`) : undefined;
}
