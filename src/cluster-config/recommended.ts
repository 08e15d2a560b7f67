// The recommended cluster configuration that both `pgha configure` and the lab
// apply, and whose operations the agent's meta-data advertises: declared here,
// below the agent, the CLI and the lab, so none of them imports another for it.

/**
 * Monitor interval a DBA should use. A steady-state monitor is one SQL round
 * trip and no child process (about 0.08 s of CPU), so it can run every few
 * seconds: a crashed primary is then noticed in 1.5 s on average, where PAF's
 * recommended 15 s interval takes 7.5 s. The unpromoted monitor runs one
 * second later (Pacemaker keys operations by name and interval).
 */
export const RECOMMENDED_MONITOR_INTERVAL_S = 3;
export const MONITOR_TIMEOUT = '10s';

/** Timeouts of the other operations a cluster configures for the agent. */
export const OPERATION_TIMEOUTS = { start: '60s', stop: '60s', promote: '60s', demote: '120s', notify: '60s' } as const;

/**
 * How Pacemaker recovers a failed primary. With on-fail=demote on the promoted
 * monitor, a crashed primary that is still the best candidate is recovered in
 * place by demote then promote (demote starts it as a standby replaying its own
 * WAL): two actions and four notification rounds, where the default restart runs
 * demote, stop, start and promote with eight. Demote would otherwise inherit
 * on-fail=demote from that monitor; a failed demote is a restart (and a failed
 * stop fences). These failures count towards migration-threshold like any other
 * (Pacemaker 2.1 sums a node's fail counts), so a primary that keeps crashing
 * is stopped there and a standby promoted.
 */
export const FAILURE_RECOVERY = { promotedMonitorOnFail: 'demote', demoteOnFail: 'restart' } as const;

export const PGHA_AGENT_TYPE = 'ocf:pgha:postgresql';
export const VIP_AGENT_TYPE = 'ocf:heartbeat:IPaddr2';

export const CLONE_META = {
  promotable: 'true',
  notify: 'true',
  'promoted-max': '1',
  'promoted-node-max': '1',
  'clone-node-max': '1',
  interleave: 'true',
} as const;

export const RESOURCE_DEFAULTS = {
  'migration-threshold': '5',
  'resource-stickiness': '10',
  'failure-timeout': '10min',
} as const;

/**
 * Two nodes: a fence race is won by the partition holding the primary, because the promoted
 * instance counts priority + 1 and the other side waits priority-fencing-delay before fencing.
 * The delay must stay above twice any pcmk_delay_base / pcmk_delay_max of the fence devices.
 */
export const TWO_NODE = { clonePriority: '10', priorityFencingDelay: '10s' } as const;
