// The recommended cluster configuration that both `pgha configure` and the lab
// apply: declared here, below the CLI and the lab, so neither imports the other.

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
