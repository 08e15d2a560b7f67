import type { ClusterState } from './controldata.js';

/** What the agent observed of the local instance, gathered before any decision. */
export interface InstanceObservation {
  /** undefined: the data directory has no pg_control (missing, or never initialised). */
  clusterState: ClusterState | undefined;
  postmasterRunning: boolean;
  /** The SQL answer, when a connection worked. */
  inRecovery: boolean | undefined;
  /** A base backup never started yet (backup_label present). */
  backupLabel: boolean;
}

export type InstanceState =
  | 'primary'
  | 'standby'
  | 'stopped'
  | 'crashed-primary'
  | 'crashed-standby'
  /** Running, not accepting connections yet: startup, crash recovery, shutdown. */
  | 'transitional'
  /** A postmaster runs but refuses connections in a steady state. */
  | 'unresponsive'
  | 'no-data';

const TRANSITIONAL: readonly ClusterState[] = ['starting up', 'in crash recovery', 'shutting down', 'in archive recovery'];

/** The decision table behind monitor: SQL first, then process and pg_control (as PAF does, without its blind spots). */
export function classifyInstance(o: InstanceObservation): InstanceState {
  if (o.inRecovery !== undefined) return o.inRecovery ? 'standby' : 'primary';
  if (o.clusterState === undefined) return o.postmasterRunning ? 'unresponsive' : 'no-data';
  if (o.postmasterRunning) return TRANSITIONAL.includes(o.clusterState) ? 'transitional' : 'unresponsive';
  switch (o.clusterState) {
    case 'shut down':
    case 'shut down in recovery':
      return 'stopped';
    case 'in production':
    case 'in crash recovery':
    case 'shutting down':
      // A never-started base backup of a primary also reads "in production".
      return o.backupLabel ? 'stopped' : 'crashed-primary';
    case 'in archive recovery':
    case 'starting up':
      return 'crashed-standby';
  }
}

export function describeState(state: InstanceState): string {
  return {
    primary: 'running as primary',
    standby: 'running as standby',
    stopped: 'cleanly stopped',
    'crashed-primary': 'crashed primary (pg_control says in production, no postmaster)',
    'crashed-standby': 'crashed standby (pg_control says in archive recovery, no postmaster)',
    transitional: 'starting, recovering or shutting down',
    unresponsive: 'postmaster running but not accepting connections',
    'no-data': 'no initialised data directory',
  }[state];
}
