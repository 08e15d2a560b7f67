import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Deadline, sleep } from '../../exec/deadline.js';
import type { Runner } from '../../exec/run.js';
import type { PgProbe, PgTarget } from '../../pg/pg-probe.js';
import { findReplicationRow } from '../status/status-model.js';
import { parseTransitionSummary, writeOutage } from './switchover-plan.js';

/** What Pacemaker would do after the move, simulated on a copy of the live CIB (nothing is changed). */
export async function simulateMove(runner: Runner, clone: string, target: string): Promise<{ summary: string[]; error?: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'pgha-switchover-'));
  try {
    const cib = await runner('cibadmin', ['-Q'], { timeoutMs: 15_000 });
    if (cib.exitCode !== 0) return { summary: [], error: `cibadmin -Q exited ${cib.exitCode}: ${cib.stderr}` };
    const file = join(dir, 'cib.xml');
    await writeFile(file, cib.stdout);
    const move = await runner('crm_resource', ['--move', '--promoted', '-r', clone, '-N', target], { timeoutMs: 15_000, env: { CIB_file: file } });
    if (move.exitCode !== 0) return { summary: [], error: `crm_resource --move (simulated) exited ${move.exitCode}: ${move.stderr || move.stdout}` };
    const simulation = await runner('crm_simulate', ['-x', file, '-S'], { timeoutMs: 30_000 });
    if (simulation.exitCode !== 0) return { summary: [], error: `crm_simulate exited ${simulation.exitCode}: ${simulation.stderr}` };
    return { summary: parseTransitionSummary(simulation.stdout) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface SwitchoverIo {
  runner: Runner;
  probe: (target: PgTarget, timeoutMs: number) => Promise<PgProbe>;
  isWritable: (target: PgTarget, timeoutMs: number) => Promise<boolean>;
  out: (line: string) => void;
  now?: () => number;
}

export interface SwitchoverRun {
  clone: string;
  from: { node: string; pg: PgTarget };
  to: { node: string; pg: PgTarget };
  timeoutMs: number;
  /** Write probes on both nodes, this often. */
  probeIntervalMs?: number;
}

export interface SwitchoverResult {
  promoted: boolean;
  oldPrimaryStreaming: boolean;
  cleared: boolean;
  totalMs: number;
  writeOutageMs?: number;
  error?: string;
}

/**
 * Moves the Promoted role, waits until the target accepts writes and the old primary streams from it,
 * then always removes the move constraint. Write availability of both nodes is probed throughout.
 */
export async function executeSwitchover(plan: SwitchoverRun, io: SwitchoverIo): Promise<SwitchoverResult> {
  const now = io.now ?? Date.now;
  const interval = plan.probeIntervalMs ?? 200;
  const deadline = Deadline.after(plan.timeoutMs);
  const started = now();
  let lastOldWritable: number | undefined;
  let firstNewWritable: number | undefined;
  let probing = true;
  const prober = (async () => {
    while (probing && firstNewWritable === undefined) {
      const [oldOk, newOk] = await Promise.all([io.isWritable(plan.from.pg, 1000), io.isWritable(plan.to.pg, 1000)]);
      const at = now();
      if (oldOk) lastOldWritable = at;
      if (newOk) firstNewWritable = at;
      await sleep(interval);
    }
  })();
  let error: string | undefined;
  let promoted = false;
  let oldPrimaryStreaming = false;
  try {
    const move = await io.runner('crm_resource', ['--move', '--promoted', '-r', plan.clone, '-N', plan.to.node], { timeoutMs: 30_000 });
    if (move.exitCode !== 0) {
      error = `crm_resource --move exited ${move.exitCode}: ${move.stderr || move.stdout}`;
    } else {
      io.out(`moved the Promoted role of ${plan.clone} to ${plan.to.node}; waiting for it to accept writes\n`);
      while (firstNewWritable === undefined && !deadline.expired()) await sleep(interval);
      promoted = firstNewWritable !== undefined;
      if (!promoted) error = `${plan.to.node} did not accept writes within ${plan.timeoutMs / 1000}s`;
      else {
        io.out(`${plan.to.node} accepts writes; waiting for ${plan.from.node} to stream from it\n`);
        while (!deadline.expired()) {
          const probe = await io.probe(plan.to.pg, 2000);
          const row = probe.reachable ? findReplicationRow(probe.replication, plan.from.node, plan.from.pg.host) : undefined;
          if (row?.state === 'streaming') {
            oldPrimaryStreaming = true;
            break;
          }
          await sleep(500);
        }
        if (!oldPrimaryStreaming) error = `${plan.from.node} does not stream from ${plan.to.node} after ${plan.timeoutMs / 1000}s`;
      }
    }
  } finally {
    probing = false;
    await prober;
  }
  const clear = await io.runner('crm_resource', ['--clear', '--promoted', '-r', plan.clone], { timeoutMs: 30_000 });
  const cleared = clear.exitCode === 0;
  if (!cleared) error = [error, `crm_resource --clear exited ${clear.exitCode}: ${clear.stderr}; remove the cli-prefer-${plan.clone} constraint by hand`].filter(Boolean).join('; ');
  const outage = writeOutage(lastOldWritable ?? (promoted ? started : undefined), firstNewWritable);
  return {
    promoted,
    oldPrimaryStreaming,
    cleared,
    totalMs: now() - started,
    ...(outage !== undefined ? { writeOutageMs: outage } : {}),
    ...(error ? { error } : {}),
  };
}
