import { buildMetadata, type ActionSpec } from '../ocf/metadata.js';
import { PARAMETERS } from './params.js';

export const AGENT_NAME = 'postgresql';

/**
 * Monitor interval a DBA should use. A steady-state monitor is one SQL round
 * trip and no child process (about 0.08 s of CPU), so it can run every few
 * seconds: a crashed primary is then noticed in 1.5 s on average, where PAF's
 * recommended 15 s interval takes 7.5 s. The unpromoted monitor runs one
 * second later (Pacemaker keys operations by name and interval).
 */
export const RECOMMENDED_MONITOR_INTERVAL_S = 3;
export const MONITOR_TIMEOUT = '10s';

/** Operation timeouts and intervals a DBA should use; promoted and unpromoted monitors need different intervals. */
export const ACTIONS: readonly ActionSpec[] = [
  { name: 'start', timeout: '60s' },
  { name: 'stop', timeout: '60s' },
  { name: 'promote', timeout: '60s' },
  { name: 'demote', timeout: '120s' },
  { name: 'monitor', timeout: MONITOR_TIMEOUT, interval: `${RECOMMENDED_MONITOR_INTERVAL_S}s`, depth: '0', role: 'Promoted' },
  { name: 'monitor', timeout: MONITOR_TIMEOUT, interval: `${RECOMMENDED_MONITOR_INTERVAL_S + 1}s`, depth: '0', role: 'Unpromoted' },
  { name: 'notify', timeout: '60s' },
  { name: 'reload-agent', timeout: '10s' },
  { name: 'validate-all', timeout: '10s' },
  { name: 'methods', timeout: '5s' },
  { name: 'meta-data', timeout: '5s' },
];

export function agentMetadata(version: string): Promise<string> {
  return buildMetadata({
    name: AGENT_NAME,
    version,
    shortdesc: 'PostgreSQL streaming replication as a promotable clone (pgha)',
    longdesc:
      'Manages one PostgreSQL (12 or later) instance per node as a promotable clone: every instance starts as a standby, the most advanced standby (timeline, then LSN, checked at promote time) is promoted, a crashed primary is told apart from a crashed standby and never started as a standby. Accepts the parameters of ocf:heartbeat:pgsqlms (PAF) with the same meaning. Needs a clone with promotable=true, notify=true and promoted-max=1, and primary_conninfo with application_name equal to the Pacemaker node name.',
    parameters: PARAMETERS,
    actions: ACTIONS,
  });
}
