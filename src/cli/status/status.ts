import { Command } from 'commander';
import { sleep } from '../../exec/deadline.js';
import { run } from '../../exec/run.js';
import { parseHostFlags } from '../../pacemaker/corosync.js';
import { probePostgres } from '../../pg/pg-probe.js';
import { takeSnapshot, type GatherOptions } from './status-gather.js';
import { formatStatus } from './status-format.js';
import { CliError, EXIT } from '../errors.js';
import { secondsBetween } from '../option-values.js';
import { printText } from '../output.js';

/** PostgreSQL connect + query budget per node: an unreachable node must not hold the table up. */
export const PG_TIMEOUT_MS = 2000;

export interface StatusFlags {
  resource?: string;
  host: string[];
  json?: boolean;
  watch?: number | true;
}

export function gatherOptions(flags: StatusFlags): GatherOptions {
  let hosts: Map<string, string>;
  try {
    hosts = parseHostFlags(flags.host);
  } catch (error) {
    throw new CliError((error as Error).message, EXIT.USAGE);
  }
  return { runner: run, probe: probePostgres, resource: flags.resource, hosts, pgTimeoutMs: PG_TIMEOUT_MS };
}

/** One status report, as text or JSON; `reachable`: whether PostgreSQL answered on any node. */
export async function statusReport(options: GatherOptions, json: boolean): Promise<{ text: string; reachable: boolean }> {
  const { status } = await takeSnapshot(options);
  return { text: json ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status), reachable: status.nodes.some((n) => n.postgres !== 'unreachable') };
}


export function makeStatusCommand(): Command {
  return new Command('status')
    .description('one row per node: Pacemaker state and role, PostgreSQL state, timeline, LSNs, lag, sync state and synchronous set membership, promotion score, last failure, fence device')
    .option('--resource <id>', 'the ocf:pgha:postgresql primitive (default: the only one)')
    .option('--host <node=address>', "reach a node's PostgreSQL at this address (repeatable; default: corosync ring0_addr)", (v: string, all: string[]) => [...all, v], [] as string[])
    .option('--json', 'machine-readable output')
    .option('--watch [seconds]', 'refresh in place every few seconds (default 2)', secondsBetween(0.5, 3600))
    .exitOverride()
    .action(async (flags: StatusFlags) => {
      const options = gatherOptions(flags);
      const json = Boolean(flags.json);
      if (flags.watch === undefined) {
        const report = await statusReport(options, json);
        if (json) process.stdout.write(report.text);
        else printText(report.text);
        // The table is still printed: it says why. A script must not read "all well".
        if (!report.reachable) process.exitCode = EXIT.UNREACHABLE;
        return;
      }
      const interval = flags.watch === true ? 2 : flags.watch;
      for (;;) {
        let text: string;
        try {
          text = (await statusReport(options, json)).text;
        } catch (error) {
          if (!(error instanceof CliError)) throw error;
          text = `pgha: ${error.message}\n`;
        }
        // Home the cursor and clear the screen, then redraw: refreshes in place on a terminal.
        const prefix = process.stdout.isTTY ? '\x1b[H\x1b[2J' : '';
        process.stdout.write(prefix);
        printText(`${new Date().toISOString()}  (every ${interval}s, Ctrl-C to stop)\n${text}`);
        await sleep(interval * 1000);
      }
    });
}
