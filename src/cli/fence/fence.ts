import { Command, Option } from 'commander';
import { createInterface } from 'node:readline/promises';
import { DrillFailed, formatDrill, runFenceDrill } from '../../fence/drill/fence-drill.js';
import { gatherModel, SourceUnavailable } from '../../fence/verify/gather.js';
import { formatReport, verifyCluster } from '../../fence/verify/verify-cluster.js';
import { CliError, EXIT, rethrowClusterToolError } from '../errors.js';
import { nodeName, secondsBetween } from '../option-values.js';
import { errorMessage } from '../../common/text.js';
import { printText } from '../output.js';

const seconds = secondsBetween(1, 86_400, true);

function makeVerifyCommand(): Command {
  return new Command('verify')
    .description('check that fencing is configured so that every node can be fenced, node by node (PASS/WARN/FAIL with fixes)')
    .option('--cib <file>', 'check an offline CIB file instead of the live cluster (cibadmin -Q)')
    .option('--corosync-conf <file>', 'corosync.conf to read (default: corosync-cmapctl, else /etc/corosync/corosync.conf; none with --cib)')
    .option('--sbd-config <file>', 'sbd settings (default /etc/default/sbd when it exists, live only)')
    .option('--json', 'print the report as JSON')
    .action(async (opts: { cib?: string; corosyncConf?: string; sbdConfig?: string; json?: boolean }) => {
      let model;
      try {
        model = await gatherModel({ cibFile: opts.cib, corosyncConf: opts.corosyncConf, sbdConfig: opts.sbdConfig });
      } catch (error) {
        if (error instanceof SourceUnavailable) throw new CliError(error.message, EXIT.UNREACHABLE);
        throw new CliError(`cannot read the cluster configuration: ${errorMessage(error)}`, EXIT.FAILED);
      }
      const report = verifyCluster(model);
      if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else printText(formatReport(report));
      if (report.verdict === 'FAIL') process.exitCode = EXIT.CHECK_FAILED;
    });
}

async function confirm(node: string): Promise<boolean> {
  if (!process.stdin.isTTY) throw new CliError('fence drill powers a node off: confirm on a terminal or pass --yes', EXIT.USAGE);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`This fences (reboots) ${node} through Pacemaker. Type the node name to go on: `);
    return answer.trim() === node;
  } finally {
    rl.close();
  }
}

function makeDrillCommand(): Command {
  return new Command('drill')
    .description('fence NODE through Pacemaker and time it: fencing confirmed, node online again, PostgreSQL back on it')
    .argument('<node>', 'the node to fence', nodeName)
    .option('-y, --yes', 'do not ask for confirmation')
    .addOption(new Option('--fence-timeout <seconds>', 'stonith_admin timeout').argParser(seconds).default(120))
    .addOption(new Option('--online-timeout <seconds>', 'how long to wait for the node to rejoin').argParser(seconds).default(300))
    .addOption(new Option('--pg-timeout <seconds>', 'how long to wait for PostgreSQL on the node').argParser(seconds).default(300))
    .action(async (node: string, opts: { yes?: boolean; fenceTimeout: number; onlineTimeout: number; pgTimeout: number }) => {
      if (!opts.yes && !(await confirm(node))) throw new CliError('not confirmed: nothing done', EXIT.FAILED);
      try {
        const result = await runFenceDrill(
          { node, fenceTimeoutS: opts.fenceTimeout, onlineTimeoutS: opts.onlineTimeout, pgTimeoutS: opts.pgTimeout },
          (line) => process.stderr.write(`${line}\n`),
        );
        printText(formatDrill(result));
        if (!result.recovered) process.exitCode = EXIT.CHECK_FAILED;
      } catch (error) {
        if (error instanceof DrillFailed) throw new CliError(error.message, EXIT.FAILED);
        rethrowClusterToolError(error);
      }
    });
}

/** pgha fence verify | drill */
export function makeFenceCommand(): Command {
  return new Command('fence').description('check and exercise fencing').addCommand(makeVerifyCommand()).addCommand(makeDrillCommand());
}
