import { RECOMMENDED_MONITOR_INTERVAL_S } from '../../cluster-config/recommended.js';
import { Command, Option } from 'commander';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, type Runner } from '../../exec/run.js';
import { applyPlan, describeFailure } from './apply-plan.js';
import { ConfigureOptions, describeConfigureIssues } from './configure-options.js';
import { buildConfigurePlan, formatPlan } from './configure-plan.js';
import { CliError, EXIT } from '../errors.js';
import { printText } from '../output.js';

/** Each pcs/crm invocation; crmsh validates the whole configuration on commit, which takes a while. */
const COMMAND_TIMEOUT_MS = 120_000;

export interface ConfigureIo {
  out: (text: string) => void;
  runner: Runner;
}

/** Parses the raw flags; a bad value is a usage error naming the flag. */
export function parseConfigureFlags(raw: Record<string, unknown>): ConfigureOptions {
  const parsed = ConfigureOptions.safeParse(raw);
  if (!parsed.success) throw new CliError(`configure: invalid options\n${describeConfigureIssues(parsed.error)}`, EXIT.USAGE);
  return parsed.data;
}

export async function configureAction(raw: Record<string, unknown>, io: ConfigureIo): Promise<void> {
  const options = parseConfigureFlags(raw);
  if (!raw.apply) {
    io.out(formatPlan(buildConfigurePlan(options)));
    return;
  }
  const workDir = await mkdtemp(join(tmpdir(), 'pgha-configure-'));
  try {
    const plan = buildConfigurePlan(options, join(workDir, 'cib.xml'));
    const outcome = await applyPlan(plan.commands, io.runner, {
      timeoutMs: COMMAND_TIMEOUT_MS,
      onStart: (line) => io.out(`+ ${line}\n`),
    });
    if (outcome.failed) {
      const untouched = plan.tool === 'pcs' ? ' (nothing was pushed to the cluster)' : ' (crmsh commits nothing on error)';
      throw new CliError(`configure failed${untouched}: ${describeFailure(outcome.failed)}`, EXIT.FAILED);
    }
    io.out(`configured ${options.resource} (${plan.commands.length} ${plan.tool} command${plan.commands.length === 1 ? '' : 's'})\n`);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

export function makeConfigureCommand(): Command {
  return new Command('configure')
    .description('print (or --apply) the pcs or crm commands creating the PostgreSQL promotable clone, its VIP and the cluster defaults pgha expects')
    .requiredOption('--nodes <a,b,c>', 'cluster node names, comma separated (2 nodes adds priority fencing)')
    .option('--vip <ip/cidr>', 'virtual IP of the primary, e.g. 192.168.122.40/24')
    .option('--vip-nic <nic>', 'network interface for the virtual IP')
    .option('--vip-resource <name>', 'id of the IPaddr2 resource (default: <resource>-vip)')
    .requiredOption('--pgdata <dir>', 'PostgreSQL configuration directory (PGDATA)')
    .requiredOption('--bindir <dir>', 'directory holding pg_ctl and postgres')
    .option('--datadir <dir>', 'data directory, when it differs from --pgdata (Debian)')
    .option('--pghost <host>', 'host or socket directory the agent connects to')
    .option('--pgport <port>', 'PostgreSQL port')
    .option('--system-user <user>', 'system user owning the instance')
    .option('--start-opts <opts>', 'extra options passed to postgres at start')
    .option('--maxlag <bytes>', 'a standby lagging more than this is not promotable')
    .option('--resource <name>', 'primitive id; the clone is <name>-clone', 'pgsqld')
    .addOption(new Option('--tool <tool>', 'cluster shell the commands are for').choices(['pcs', 'crm']).default('pcs'))
    .option('--monitor-interval <seconds>', 'Promoted monitor interval (Unpromoted: one second more)', String(RECOMMENDED_MONITOR_INTERVAL_S))
    .option('--apply', 'run the commands now, stopping at the first failure')
    // addCommand does not inherit the program's exitOverride: a bad flag must reach main() as a usage error.
    .exitOverride()
    .action(async (raw: Record<string, unknown>) => {
      await configureAction(raw, { out: printText, runner: run });
    });
}
