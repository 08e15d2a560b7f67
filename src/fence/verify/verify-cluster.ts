import { checkHostMaps, checkNodeCoverage } from './checks/coverage.js';
import { checkNoQuorumPolicy, checkStonithEnabled } from './checks/cluster-properties.js';
import { checkSbd } from './checks/sbd.js';
import { checkTimeouts } from './checks/timeouts.js';
import { checkTopology } from './checks/topology.js';
import { checkTwoNode } from './checks/two-node.js';
import type { ClusterModel } from './cluster-model.js';
import type { Check, Finding, Verdict } from './finding.js';

export const CHECKS: readonly Check[] = [checkStonithEnabled, checkNodeCoverage, checkHostMaps, checkTopology, checkTimeouts, checkTwoNode, checkSbd, checkNoQuorumPolicy];

export interface VerifyReport {
  verdict: Verdict;
  findings: Finding[];
  counts: Record<Verdict, number>;
}

/** Runs every check over the model: pure, so each fixture's verdict is a unit test. */
export function verifyCluster(model: ClusterModel): VerifyReport {
  const findings = CHECKS.flatMap((check) => check(model));
  const counts = { PASS: 0, WARN: 0, FAIL: 0 } as Record<Verdict, number>;
  for (const f of findings) counts[f.verdict]++;
  return { verdict: counts.FAIL > 0 ? 'FAIL' : counts.WARN > 0 ? 'WARN' : 'PASS', findings, counts };
}

/** Findings grouped for reading: the cluster first, then each node, then devices and levels. */
export function groupBySubject(findings: readonly Finding[]): [string, Finding[]][] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) groups.set(f.subject, [...(groups.get(f.subject) ?? []), f]);
  const rank = (s: string) => (s === 'cluster' ? 0 : s.startsWith('node ') ? 1 : s.startsWith('device ') ? 2 : 3);
  return [...groups.entries()].sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b, undefined, { numeric: true }));
}

export function formatReport(report: VerifyReport): string {
  const lines: string[] = [];
  for (const [subject, findings] of groupBySubject(report.findings)) {
    lines.push(`${subject}:`);
    for (const f of findings) {
      lines.push(`  ${f.verdict.padEnd(4)} ${f.check}: ${f.message}`);
      if (f.fix) lines.push(`       fix: ${f.fix}`);
    }
  }
  lines.push('', `${report.verdict}: ${report.counts.PASS} passed, ${report.counts.WARN} warning(s), ${report.counts.FAIL} failure(s)`);
  return `${lines.join('\n')}\n`;
}
