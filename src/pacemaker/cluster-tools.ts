import type { RunResult, Runner } from '../exec/run.js';
import { parseCib, type Cib } from './cib.js';
import { flattenCmapctl, membershipSettleMs, parseCorosyncNodelist, parseQuorate } from './corosync.js';
import { parseCrmMon, type CrmMon } from './crm-mon.js';
import { firstLine } from '../common/text.js';

const TOOL_TIMEOUT_MS = 15_000;

/** Pacemaker's exit codes (crm_exit_t) that mean "ask again as root" and "no cluster here". */
const CRM_EX_INSUFFICIENT_PRIV = 4;
const CRM_EX_NOT_CONNECTED = 102;

/** Why a Pacemaker tool failed, as an operator acts on it: run as root, start the cluster, or read the message. */
export type ClusterToolFailure = 'permission' | 'unreachable' | 'failed';

/** A failed Pacemaker tool, worded for the operator; src/cli maps `failure` to its exit code. */
export class ClusterToolError extends Error {
  constructor(
    message: string,
    readonly failure: ClusterToolFailure,
  ) {
    super(message);
    this.name = 'ClusterToolError';
  }
}

/** Turns a failed Pacemaker tool into an error an operator can act on. */
export function clusterToolError(result: RunResult, detail: string): ClusterToolError {
  const text = `${detail}\n${result.stderr}\n${result.stdout}`;
  const tool = result.command.split(' ')[0]!;
  if (result.exitCode === CRM_EX_INSUFFICIENT_PRIV || /permission denied|insufficient privileges|not authorized/i.test(text)) {
    return new ClusterToolError(`${tool}: permission denied: run as root or as a member of the haclient group`, 'permission');
  }
  if (result.exitCode === CRM_EX_NOT_CONNECTED || /not connected|connection refused|could not connect/i.test(text)) {
    return new ClusterToolError(`the cluster is not running on this node (${tool}: ${firstLine(detail || result.stderr) || 'not connected'})`, 'unreachable');
  }
  if (result.timedOut) return new ClusterToolError(`${tool} timed out: the cluster did not answer`, 'unreachable');
  return new ClusterToolError(`${tool} exited ${result.exitCode}: ${firstLine(detail || result.stderr || result.stdout)}`, 'failed');
}

export async function readCrmMon(runner: Runner): Promise<CrmMon> {
  const result = await runner('crm_mon', ['--output-as=xml'], { timeoutMs: TOOL_TIMEOUT_MS });
  let mon: CrmMon | undefined;
  try {
    mon = await parseCrmMon(result.stdout);
  } catch {
    mon = undefined;
  }
  if (result.exitCode !== 0 || !mon || mon.code !== 0) {
    throw clusterToolError(result, mon ? [mon.message, ...mon.errors].join('; ') : '');
  }
  return mon;
}

export async function readCib(runner: Runner): Promise<Cib> {
  const result = await runner('cibadmin', ['-Q'], { timeoutMs: TOOL_TIMEOUT_MS });
  if (result.exitCode !== 0) throw clusterToolError(result, result.stderr);
  return parseCib(result.stdout);
}

/**
 * How to reach each node's PostgreSQL: `--host` flags first, then corosync's nodelist (ring0_addr),
 * then the node name itself, left to DNS.
 */
export async function resolveAddresses(runner: Runner, nodes: readonly string[], flags: Map<string, string>): Promise<Map<string, string>> {
  const addresses = new Map<string, string>();
  let nodelist = new Map<string, string>();
  if (nodes.some((n) => !flags.has(n))) {
    const result = await runner('corosync-cmapctl', ['-b', 'nodelist.node'], { timeoutMs: 5000 });
    if (result.exitCode === 0) nodelist = parseCorosyncNodelist(result.stdout);
  }
  for (const node of nodes) addresses.set(node, flags.get(node) ?? nodelist.get(node) ?? node);
  return addresses;
}

/**
 * Whether this node's partition has quorum, asked of corosync's votequorum
 * itself: Pacemaker's view (crm_node -q) follows it, a moment later.
 * undefined: corosync did not say.
 */
export async function readPartitionQuorate(runner: Runner): Promise<boolean | undefined> {
  const result = await runner('corosync-quorumtool', ['-s'], { timeoutMs: 5_000 });
  // Exit 0: quorate, 2: not quorate; the status text says which either way.
  return result.exitCode === 0 || result.exitCode === 2 ? parseQuorate(result.stdout) : undefined;
}

/** membershipSettleMs from the running corosync's timeouts; undefined when it cannot be read. */
export async function readMembershipSettleMs(runner: Runner): Promise<number | undefined> {
  const result = await runner('corosync-cmapctl', ['-b', 'runtime.config.totem'], { timeoutMs: 5_000 });
  return result.exitCode === 0 ? membershipSettleMs(flattenCmapctl(result.stdout)) : undefined;
}
