import { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { createInterface } from 'node:readline/promises';
import { parseConninfo } from '../../pg/conninfo.js';
import { localNodeName } from '../../pacemaker/attributes.js';
import { OcfError } from '../../ocf/exit-codes.js';
import { makeLogger } from '../../ocf/log.js';
import { operatorRejoin, Refusal } from './operator.js';
import { operatorParams, resourceParameters } from './operator-params.js';
import { CliError, EXIT } from '../errors.js';
import { secondsBetween } from '../option-values.js';
import { printText } from '../output.js';

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
  yes?: boolean;
  passwordFile?: string;
  timeout: number;
}

const seconds = secondsBetween(1, 86_400);

/**
 * A password in argv is readable by every local user (ps, /proc/<pid>/cmdline): refused, with where to put it instead.
 * --password-file's content becomes PGPASSWORD, which the libpq programs this runs read.
 */
async function sourcePassword(flags: RejoinFlags): Promise<void> {
  if (flags.source !== undefined && parseConninfo(flags.source).has('password')) {
    throw new CliError('--source holds a password, which every local user can read in the process list: remove it and set PGPASSWORD, pass --password-file FILE, or use a passfile (~/.pgpass of the system user, or passfile= in --source)', EXIT.USAGE);
  }
  if (flags.passwordFile === undefined) return;
  const content = await readFile(flags.passwordFile, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new CliError(`--password-file ${flags.passwordFile}: ${error.code ?? error.message}`, EXIT.USAGE);
  });
  const password = content.split('\n')[0]!.replace(/\r$/, '');
  if (password === '') throw new CliError(`--password-file ${flags.passwordFile} is empty`, EXIT.USAGE);
  process.env.PGPASSWORD = password;
}

/** Nothing changes unless the operator types the node name, or passed --yes; with no terminal to ask on, refused. */
const confirmation = (flags: RejoinFlags, node: string) => async (what: string): Promise<boolean> => {
  if (flags.yes) return true;
  if (!process.stdin.isTTY) throw new CliError(`${what} changes the data directory: confirm on a terminal, or pass --yes`, EXIT.USAGE);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(`About to ${what} on ${node}. Type the node name to go on: `)).trim() === node;
  } finally {
    rl.close();
  }
};

async function rejoinAction(method: 'rewind' | 'reclone', flags: RejoinFlags): Promise<void> {
  await sourcePassword(flags);
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
      { method, params, node, resource: flags.resource, source: flags.source, dryRun: Boolean(flags.dryRun), timeoutMs: flags.timeout * 1000, out: (line) => printText(`${line}\n`), confirm: confirmation(flags, node) },
      target,
    );
  } catch (error) {
    if (error instanceof CliError) throw error;
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
    .option('--source <conninfo>', "the primary to rejoin (default: the instance's primary_conninfo); no password in it: PGPASSWORD, --password-file or a passfile")
    .option('--password-file <file>', "the source's password, on the file's first line (instead of PGPASSWORD)")
    .option('--node <name>', 'this node (default: crm_node -n, else the host name)')
    .option('--archive-dir <dir>', 'where the discarded WAL is kept (rewind_archive_dir)')
    .option('--archive-max-mb <mb>', 'size limit of that archive (rewind_archive_max_mb)')
    .option('--dry-run', 'check and print the plan, change nothing')
    .option('-y, --yes', 'do not ask for confirmation before changing the data directory')
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
