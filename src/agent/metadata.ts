import { buildMetadata, type ActionSpec } from '../ocf/metadata.js';
import { PARAMETERS } from './params.js';
import { MONITOR_TIMEOUT, OPERATION_TIMEOUTS, RECOMMENDED_MONITOR_INTERVAL_S } from '../cluster-config/recommended.js';

export const AGENT_NAME = 'postgresql';

/** The agent's actions; those a cluster configures with the recommended configuration's timeouts and intervals (promoted and unpromoted monitors need different intervals). */
export const ACTIONS: readonly ActionSpec[] = [
  { name: 'start', timeout: OPERATION_TIMEOUTS.start },
  { name: 'stop', timeout: OPERATION_TIMEOUTS.stop },
  { name: 'promote', timeout: OPERATION_TIMEOUTS.promote },
  { name: 'demote', timeout: OPERATION_TIMEOUTS.demote },
  { name: 'monitor', timeout: MONITOR_TIMEOUT, interval: `${RECOMMENDED_MONITOR_INTERVAL_S}s`, depth: '0', role: 'Promoted' },
  { name: 'monitor', timeout: MONITOR_TIMEOUT, interval: `${RECOMMENDED_MONITOR_INTERVAL_S + 1}s`, depth: '0', role: 'Unpromoted' },
  { name: 'notify', timeout: OPERATION_TIMEOUTS.notify },
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
