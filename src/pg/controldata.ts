import { run } from '../exec/run.js';
import { tryParseLsn, type Lsn } from './lsn.js';

/** The "Database cluster state" values of pg_control (DBState in pg_control.h). */
export const CLUSTER_STATES = [
  'starting up',
  'shut down',
  'shut down in recovery',
  'shutting down',
  'in crash recovery',
  'in archive recovery',
  'in production',
] as const;
export type ClusterState = (typeof CLUSTER_STATES)[number];

export interface Controldata {
  state: ClusterState;
  checkpointLsn: Lsn | undefined;
  redoLsn: Lsn | undefined;
  checkpointTimeline: number;
  minRecoveryEndLsn: Lsn | undefined;
  minRecoveryEndTimeline: number;
  walLevel: string;
  walLogHints: boolean;
  dataChecksums: boolean;
}

/** Parses pg_controldata's text (LC_ALL=C). Throws when a required field is missing. */
export function parseControldata(text: string): Controldata {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  const required = (name: string) => {
    const value = fields.get(name);
    if (value === undefined) throw new Error(`pg_controldata output has no "${name}"`);
    return value;
  };
  const state = required('Database cluster state');
  if (!(CLUSTER_STATES as readonly string[]).includes(state)) throw new Error(`unknown database cluster state "${state}"`);
  return {
    state: state as ClusterState,
    checkpointLsn: tryParseLsn(fields.get('Latest checkpoint location')),
    redoLsn: tryParseLsn(fields.get("Latest checkpoint's REDO location")),
    checkpointTimeline: Number(required("Latest checkpoint's TimeLineID")),
    minRecoveryEndLsn: tryParseLsn(fields.get('Minimum recovery ending location')),
    minRecoveryEndTimeline: Number(fields.get("Min recovery ending loc's timeline") ?? '0'),
    walLevel: fields.get('wal_level setting') ?? fields.get('Current wal_level setting') ?? '',
    walLogHints: fields.get('wal_log_hints setting') === 'on',
    dataChecksums: (fields.get('Data page checksum version') ?? '0') !== '0',
  };
}

export async function readControldata(bindir: string, datadir: string): Promise<Controldata> {
  const result = await run(`${bindir}/pg_controldata`, [datadir], { timeoutMs: 10_000 });
  if (result.exitCode !== 0) throw new Error(`pg_controldata ${datadir} failed: ${result.stderr || result.stdout}`);
  return parseControldata(result.stdout);
}
