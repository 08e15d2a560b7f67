import { run } from '../exec/run.js';
import { homeOf, libpqInvocation } from './libpq-invocation.js';
import { parseLsn, type Lsn } from './lsn.js';
import { parseTimelineHistory, type TimelineSwitch } from './timeline-history.js';

/** A server reached over a physical replication connection, with the standby's own primary_conninfo and OS user. */
export interface ReplicationSource {
  bindir: string;
  conninfo: string;
  osUser: string;
  timeoutMs: number;
}

export interface SystemIdentity {
  systemId: string;
  timeline: number;
  flushLsn: Lsn;
  /** SHOW in_hot_standby (PostgreSQL 14+); undefined on older servers. */
  inHotStandby: boolean | undefined;
}

/** psql's unaligned, tuples-only output with NUL separators: fields of every row, in order. */
const fields = (stdout: string) => stdout.split('\0').slice(0, -1);

/** IDENTIFY_SYSTEM's row (systemid, timeline, xlogpos, dbname), then SHOW in_hot_standby's, when the server knows it. */
export function parseIdentifyOutput(stdout: string): SystemIdentity {
  const f = fields(stdout);
  if (f.length < 4) throw new Error('IDENTIFY_SYSTEM returned no row');
  const hotStandby = f[4];
  return {
    systemId: f[0]!,
    timeline: Number(f[1]),
    flushLsn: parseLsn(f[2]!),
    inHotStandby: hotStandby === 'on' ? true : hotStandby === 'off' ? false : undefined,
  };
}

/** TIMELINE_HISTORY's row: the file name and its content. */
export function parseTimelineHistoryOutput(stdout: string): TimelineSwitch[] {
  const f = fields(stdout);
  if (f.length !== 2 || !/\.history$/.test(f[0]!)) throw new Error('TIMELINE_HISTORY returned no history file');
  return parseTimelineHistory(f[1]!);
}

async function replicationCommands(source: ReplicationSource, commands: string[]): Promise<string> {
  const invocation = libpqInvocation(source.conninfo, { replication: 'true' });
  const home = await homeOf(source.osUser);
  const result = await run(`${source.bindir}/psql`, ['-X', '-A', '-t', '-z', '-0', '-d', invocation.conninfo, ...commands.flatMap((c) => ['-c', c])], {
    user: source.osUser,
    env: { ...invocation.env, ...(home ? { HOME: home } : {}) },
    timeoutMs: source.timeoutMs,
  });
  if (result.stdout === '') {
    const detail = result.stderr.split('\n').find((l) => l.trim()) ?? `psql exited ${result.exitCode}`;
    throw new Error(result.timedOut ? 'the replication connection timed out' : detail.replace(/^psql: (error: )?/, ''));
  }
  return result.stdout;
}

export async function identifySystem(source: ReplicationSource): Promise<SystemIdentity> {
  return parseIdentifyOutput(await replicationCommands(source, ['IDENTIFY_SYSTEM', 'SHOW in_hot_standby']));
}

/** The history of `timeline` as the server holds it ([] for timeline 1, which has none). */
export async function fetchTimelineHistory(source: ReplicationSource, timeline: number): Promise<TimelineSwitch[]> {
  if (timeline === 1) return [];
  return parseTimelineHistoryOutput(await replicationCommands(source, [`TIMELINE_HISTORY ${timeline}`]));
}
