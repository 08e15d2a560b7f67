// What the rejoin tests share: pairs whose old primary diverged in a failover with lost writes.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../../src/exec/run.js';
import { OCF } from '../../../src/ocf/exit-codes.js';
import { withConnection } from '../../../src/pg/sql.js';
import type { AgentResult } from './agent.js';
import type { TestInstance } from './instances.js';

export const CLONE = { OCF_RESKEY_CRM_meta_clone_max: '2', OCF_RESKEY_CRM_meta_promoted_max: '1', OCF_RESKEY_CRM_meta_notify: 'true' };
export const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'dist', 'pgha.cjs');

/** An agent action on one instance of a pair, with extra OCF_RESKEY_* variables. */
export type Act = (action: string, instance: TestInstance, extra?: Record<string, string>) => Promise<AgentResult>;

export const sql = (i: TestInstance, text: string) => withConnection({ host: i.socketDir, port: i.port, user: 'postgres' }, async (c) => (await c.query(text)).rows);
const postmasterPid = async (i: TestInstance) => Number((await readFile(join(i.datadir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function ok(pending: Promise<AgentResult>): Promise<AgentResult> {
  const r = await pending;
  assert.equal(r.code, OCF.SUCCESS, r.stderr);
  return r;
}

/** Waits until `standby` streams from `primary` (pg_stat_replication on the primary). */
export async function waitStreaming(primary: TestInstance, standby: TestInstance, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const rows = await sql(primary, `select 1 from pg_stat_replication where application_name = '${standby.node}' and state = 'streaming'`);
    if (rows.length > 0) return;
    await sleep(20);
  }
  assert.fail(`${standby.node} does not stream from ${primary.node}`);
}

/** Primary `p` with table t, streaming standby `s`. */
export async function startPair(act: Act, p: TestInstance, s: TestInstance): Promise<void> {
  await ok(act('start', p));
  await ok(act('promote', p));
  await sql(p, 'create table if not exists t(id int primary key, what text)');
  await sql(p, "insert into t values (1, 'replicated')");
  await ok(act('start', s));
  await waitStreaming(p, s);
}

/**
 * `from` is primary, `to` its streaming standby. `to` stops; `from` commits
 * rows `to` never receives, then crashes (or stops cleanly); `to` is promoted
 * and commits a row of its own.
 */
export async function failoverWithLostWrites(act: Act, from: TestInstance, to: TestInstance, crash: boolean): Promise<void> {
  await ok(act('stop', to));
  await sql(from, 'insert into t select g, $$lost$$ from generate_series(1000, 1999) g');
  if (crash) process.kill(await postmasterPid(from), 'SIGKILL');
  else await ok(act('stop', from));
  await ok(act('start', to));
  await ok(act('promote', to));
  await sql(to, `insert into t values (${Date.now() % 1_000_000 + 10_000}, 'after failover')`);
}

/**
 * Every file of a directory with its content digest, to tell whether anything
 * changed. A dead postmaster's runtime files are not data: stopping a crashed
 * instance clears its stale postmaster.pid.
 */
export async function digest(dir: string): Promise<string> {
  const r = await run('bash', ['-c', `cd "${dir}" && find . -type f ! -name postmaster.opts ! -name postmaster.pid -print0 | sort -z | xargs -0 sha1sum`], { timeoutMs: 30_000 });
  assert.equal(r.exitCode, 0, r.stderr);
  return r.stdout;
}
