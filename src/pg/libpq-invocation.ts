import { readFile } from 'node:fs/promises';
import { parseConninfo } from './conninfo.js';

/** How a libpq client program (psql, pg_rewind, pg_basebackup) is handed a connection: argv never holds a password. */
export interface LibpqInvocation {
  /** keyword='value' connection string, without password. */
  conninfo: string;
  /** PGPASSWORD when the conninfo held a password; HOME so the OS user's ~/.pgpass applies. */
  env: Record<string, string>;
}

const quote = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * Rewrites a conninfo (keyword=value or URI) for a child process: the
 * password moves to the environment, `overrides` replace or add keywords
 * (replication=true, dbname=...), `defaults` apply when absent.
 */
export function libpqInvocation(conninfo: string, overrides: Record<string, string> = {}, defaults: Record<string, string> = {}): LibpqInvocation {
  const values = parseConninfo(conninfo);
  const password = values.get('password');
  values.delete('password');
  for (const [key, value] of Object.entries(defaults)) if (!values.has(key)) values.set(key, value);
  for (const [key, value] of Object.entries(overrides)) values.set(key, value);
  const env: Record<string, string> = {};
  if (password !== undefined) env.PGPASSWORD = password;
  if (!values.has('connect_timeout')) env.PGCONNECT_TIMEOUT = '5';
  return { conninfo: [...values].map(([k, v]) => `${k}=${quote(v)}`).join(' '), env };
}

/** The home directory of an OS user from /etc/passwd (libpq finds ~/.pgpass there); undefined when not listed. */
export async function homeOf(user: string): Promise<string | undefined> {
  const passwd = await readFile('/etc/passwd', 'utf8').catch(() => '');
  const entry = passwd.split('\n').map((l) => l.split(':')).find((f) => f[0] === user);
  return entry?.[5] || undefined;
}
