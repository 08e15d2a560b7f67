import { Command } from 'commander';
import { run } from '../../exec/run.js';
import { parseHostFlags } from '../../pacemaker/corosync.js';
import { isWritable, probePostgres } from '../../pg/pg-probe.js';
import { pgTargetFor, takeSnapshot, type GatherOptions } from '../status/status-gather.js';
import { checkSwitchover, planPromotes } from './switchover-plan.js';
import { executeSwitchover, simulateMove, type SwitchoverIo } from './switchover-run.js';
import { CliError, EXIT } from '../errors.js';
import { PG_TIMEOUT_MS } from '../status/status.js';
import { nodeName, nonNegativeInteger, secondsBetween } from '../option-values.js';
import { printText } from '../output.js';

export interface SwitchoverFlags {
  to?: string;
  dryRun?: boolean;
  maxLag: number;
  timeout: number;
  resource?: string;
  host: string[];
}

export const DEFAULT_MAX_LAG = 1024 * 1024;

/** Checks, plan, then (unless --dry-run) the move; every refusal is EXIT.CHECK_FAILED with its reasons. */
export async function switchoverAction(flags: SwitchoverFlags, gather: GatherOptions, io: SwitchoverIo): Promise<void> {
  const snapshot = await takeSnapshot(gather);
  const decision = checkSwitchover({ status: snapshot.status, cib: snapshot.cib, mon: snapshot.mon, target: flags.to, maxLagBytes: flags.maxLag });
  if (decision.problems.length > 0) {
    throw new CliError(`switchover refused:\n${decision.problems.map((p) => `  - ${p}`).join('\n')}`, EXIT.CHECK_FAILED);
  }
  const from = decision.from!;
  const to = decision.to!;
  const clone = snapshot.resource.cloneId ?? snapshot.resource.primitiveId;
  const simulation = await simulateMove(io.runner, clone, to);
  if (simulation.error) throw new CliError(`switchover refused: could not simulate the move: ${simulation.error}`, EXIT.CHECK_FAILED);
  if (!planPromotes(simulation.summary, snapshot.resource.primitiveId, to)) {
    throw new CliError(
      `switchover refused: Pacemaker would not promote ${to}; simulated transition:\n${simulation.summary.map((l) => `  ${l}`).join('\n') || '  (nothing to do)'}`,
      EXIT.CHECK_FAILED,
    );
  }
  io.out(`switchover ${from} -> ${to} (${clone}); checks passed. Pacemaker will:\n${simulation.summary.map((l) => `  ${l}`).join('\n')}\n`);
  if (flags.dryRun) {
    io.out('dry run: nothing changed\n');
    return;
  }
  const target = (node: string) => ({ node, pg: pgTargetFor(snapshot.resource, snapshot.addresses.get(node) ?? node) });
  const result = await executeSwitchover({ clone, from: target(from), to: target(to), timeoutMs: flags.timeout * 1000 }, io);
  const timing = [
    result.writeOutageMs !== undefined ? `writes unavailable for ${(result.writeOutageMs / 1000).toFixed(2)}s` : 'write outage not measured',
    `switchover took ${(result.totalMs / 1000).toFixed(2)}s`,
    result.cleared ? 'move constraint cleared' : 'move constraint NOT cleared',
  ].join('; ');
  if (result.error) throw new CliError(`switchover failed: ${result.error} (${timing})`, EXIT.FAILED);
  io.out(`${to} is the primary and ${from} streams from it; ${timing}\n`);
}


export function makeSwitchoverCommand(): Command {
  return new Command('switchover')
    .description('move the primary role to a healthy standby: checks, plan (crm_simulate), crm_resource --move --promoted, wait, clear')
    .option('--to <node>', 'the standby to promote (default: the best candidate)', nodeName)
    .option('--dry-run', 'stop after the checks and the plan')
    .option('--max-lag <bytes>', 'refuse a target lagging more than this', nonNegativeInteger('bytes'), DEFAULT_MAX_LAG)
    .option('--timeout <seconds>', 'give up waiting after this long', secondsBetween(1, 86_400), 120)
    .option('--resource <id>', 'the ocf:pgha:postgresql primitive (default: the only one)')
    .option('--host <node=address>', "reach a node's PostgreSQL at this address (repeatable)", (v: string, all: string[]) => [...all, v], [] as string[])
    .exitOverride()
    .action(async (flags: SwitchoverFlags) => {
      let hosts: Map<string, string>;
      try {
        hosts = parseHostFlags(flags.host);
      } catch (error) {
        throw new CliError((error as Error).message, EXIT.USAGE);
      }
      await switchoverAction(
        flags,
        { runner: run, probe: probePostgres, resource: flags.resource, hosts, pgTimeoutMs: PG_TIMEOUT_MS },
        { runner: run, probe: probePostgres, isWritable, out: printText },
      );
    });
}
