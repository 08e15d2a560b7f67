import type { ClusterModel } from './cluster-model.js';

export type Verdict = 'PASS' | 'WARN' | 'FAIL';

/** One result of one check: about the whole cluster, a node, or a device. */
export interface Finding {
  check: string;
  verdict: Verdict;
  /** "cluster", "node NAME" or "device ID". */
  subject: string;
  message: string;
  /** What to run or change; absent on PASS. */
  fix?: string;
}

export type Check = (model: ClusterModel) => Finding[];

export const pass = (check: string, subject: string, message: string): Finding => ({ check, verdict: 'PASS', subject, message });
export const warn = (check: string, subject: string, message: string, fix: string): Finding => ({ check, verdict: 'WARN', subject, message, fix });
export const fail = (check: string, subject: string, message: string, fix: string): Finding => ({ check, verdict: 'FAIL', subject, message, fix });

export const CLUSTER = 'cluster';
export const nodeSubject = (node: string) => `node ${node}`;
export const deviceSubject = (id: string) => `device ${id}`;

/** Every node the cluster knows: CIB members, then corosync nodelist entries not in the CIB yet. */
export function knownNodes(model: ClusterModel): string[] {
  return [...new Set([...model.nodes, ...(model.corosync?.nodes ?? [])])];
}
