import { Command, InvalidArgumentError } from 'commander';
import { hostname } from 'node:os';
import { localNodeName } from '../../pacemaker/attributes.js';
import { OcfError } from '../../ocf/exit-codes.js';
import { makeLogger } from '../../ocf/log.js';
import { operatorRejoin, Refusal } from '../../rejoin/operator.js';
import { operatorParams, resourceParameters } from '../../rejoin/operator-params.js';
import { CliError, EXIT } from '../errors.js';

interface RejoinFlags {
  resource?: string;
  pgdata?: string;
  datadir?: string;
  bindir?: string;
  systemUser?: string;
  source?: string;
  node?: string;
  archiveDir?: string;
  archiveMaxMb?: string;
  dryRun?: boolean;
  timeout: number;
}

const seconds = (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 1 || n > 86_400) throw new InvalidArgumentError('expected seconds between 1 and 86400');
  return n;
};

async function rejoinAction(method: 'rewind' | 'reclone', flags: RejoinFlags): Promise<void> {
  let params;
  try {
    const fromResource = flags.resource ? await resourceParameters(flags.resource) : {};
    params = operatorParams(
      fromResource,
      {
        pgdata: flags.pgdata,
        datadir: flags.datadir,
        bindir: flags.bindir,
        system_user: flags.systemUser,
        rewind_archive_dir: flags.archiveDir,
        rewind_archive_max_mb: flags.archiveMaxMb,
      },
      flags.resource ?? 'pgha',
    );
  } catch (error) {
    throw new CliError(error instanceof OcfError ? error.reason : (error as Error).message, EXIT.USAGE);
  }
  const node = flags.node ?? (await localNodeName()) ?? hostname();
  const log = makeLogger(`pgha ${method}`);
  const target = { ...params, node, archiveDir: params.rejoin.archiveDir, archiveMaxBytes: params.rejoin.archiveMaxBytes, log };
  try {
    await operatorRejoin(
      { method, params, node, resource: flags.resource, source: flags.source, dryRun: Boolean(flags.dryRun), timeoutMs: flags.timeout * 1000, out: (line) => process.stdout.write(`${line}\n`) },
      target,
    );
  } catch (error) {
    if (error instanceof Refusal) throw new CliError(`${method} refused: ${error.message}`, EXIT.CHECK_FAILED);
    throw new CliError(`${method} failed: ${(error as Error).message}`, EXIT.FAILED);
  }
}

function makeRejoinCommand(method: 'rewind' | 'reclone', description: string): Command {
  return new Command(method)
    .description(description)
    .option('--resource <name>', "read the parameters from this node's Pacemaker resource (crm_resource --get-parameter)")
    .option('--pgdata <dir>', 'PGDATA (configuration directory), as the agent parameter')
    .option('--datadir <dir>', 'data directory, when it differs from pgdata')
    .option('--bindir <dir>', 'PostgreSQL binaries')
    .option('--system-user <user>', 'OS user owning the instance')
    .option('--source <conninfo>', "the primary to rejoin (default: the instance's primary_conninfo)")
    .option('--node <name>', 'this node (default: crm_node -n, else the host name)')
    .option('--archive-dir <dir>', 'where the discarded WAL is kept (rewind_archive_dir)')
    .option('--archive-max-mb <mb>', 'size limit of that archive (rewind_archive_max_mb)')
    .option('--dry-run', 'check and print the plan, change nothing')
    .option('--timeout <seconds>', 'give up after this long', seconds, 3600)
    .exitOverride()
    .action((flags: RejoinFlags) => rejoinAction(method, flags));
}

/** `pgha rewind` and `pgha reclone`: the agent's rejoin, by hand, on a stopped node. */
export function makeRejoinCommands(): Command[] {
  return [
    makeRejoinCommand('rewind', 'rewind a stopped old primary whose history forked from the primary (pg_rewind), keeping the discarded WAL'),
    makeRejoinCommand('reclone', 're-clone a stopped node from the primary (pg_basebackup), keeping its configuration and the old data directory aside'),
  ];
}
