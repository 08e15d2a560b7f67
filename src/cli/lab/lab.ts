import { Command, InvalidArgumentError, Option } from 'commander';
import { CliError, EXIT } from '../errors.js';
import { packageRoot } from '../install/install.js';
import { labUp } from '../../lab/lab-up.js';
import { labDown } from '../../lab/lab-down.js';
import { labDemo } from '../../lab/demo.js';
import { labStatusText } from '../../lab/lab-status.js';
import { labPowerOff, labPowerOn } from '../../lab/power.js';
import { cutNodeNetwork, restoreNodeNetwork } from '../../lab/faults.js';
import { runInNode } from '../../lab/node-exec.js';
import { rebuildStandby } from '../../lab/rebuild.js';
import { MAX_NODES, MIN_NODES } from '../../lab/layout.js';
import { resolveLabMajor, wantedLabMajor } from '../../lab/lab-postgres.js';
import { parseWantedMajor } from '../../pg/installation.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage } from '../../common/text.js';
import { printText } from '../output.js';

/** `pgha lab`: a Pacemaker + PostgreSQL cluster in network namespaces on this host, for tests and demos. */
export function makeLabCommand(): Command {
  const lab = new Command('lab').description('a local test cluster: one network namespace per node on this host');
  const log = (line: string) => process.stderr.write(`lab: ${line}\n`);

  lab
    .command('up')
    .description('build an N-node Pacemaker + PostgreSQL cluster and print its status')
    .addOption(new Option('--nodes <n>', `number of nodes (${MIN_NODES}-${MAX_NODES})`).default('3').argParser(parseNodes))
    .addOption(new Option('--agent <agent>', 'PostgreSQL resource agent').choices(['pgha', 'paf']).default('pgha'))
    .addOption(
      new Option('--pg-version <major>', 'PostgreSQL major version to run, among those installed (default: PGHA_PG_VERSION, else the only one installed; none installed: Debian\'s default)')
        .argParser(parsePgVersion),
    )
    .option('--no-build', 'use the installed pgha instead of building and installing this source tree first')
    .action(async (opts: { nodes: number | string; agent: 'pgha' | 'paf'; pgVersion?: number; build: boolean }) => {
      const pgMajor = checkPgVersion(opts.pgVersion);
      requireRoot();
      const buildRoot = opts.build ? sourceTreeRoot() : undefined;
      const text = await labUp({ nodes: Number(opts.nodes), agent: opts.agent, pgMajor, buildRoot, log }).catch(fail);
      printText(`${text}\n`);
    });

  lab
    .command('demo')
    .description('bring a lab up if none runs, crash its primary node and show pgha failing over')
    .action(async () => {
      requireRoot();
      await labDemo(log, printText).catch(fail);
    });

  lab
    .command('down')
    .description('stop everything the lab started and remove its namespaces and state')
    .action(async () => {
      requireRoot();
      await labDown(log).catch(fail);
    });

  lab
    .command('status')
    .description('power state of each node and the cluster status')
    .action(async () => {
      printText(`${await labStatusText().catch(fail)}\n`);
    });

  lab
    .command('exec')
    .description('run a command inside a node (its network, mount and UTS namespaces)')
    .argument('<node>', 'a lab node: node1, node2, ...', labNode)
    .argument('<command...>')
    .action(async (node: string, argv: string[]) => {
      requireRoot();
      const result = await runInNode(node, argv, { timeoutMs: 600_000 }).catch(fail);
      if (result.stdout) process.stdout.write(`${result.stdout}\n`);
      if (result.stderr) process.stderr.write(`${result.stderr}\n`);
      process.exitCode = result.exitCode;
    });

  lab
    .command('rebuild')
    .description('re-clone a powered-off node from the primary as a fresh standby, then boot it (e.g. a fenced ex-primary)')
    .argument('<node>', 'a lab node: node1, node2, ...', labNode)
    .action(async (node: string) => {
      requireRoot();
      await rebuildStandby(node, log).catch(fail);
    });

  for (const [name, description, action] of [
    ['power-off', 'pull the plug of a node: kill all of its processes at once', labPowerOff],
    ['power-on', 'boot a node: start its corosync and pacemaker', labPowerOn],
    ['net-cut', "unplug a node's network cable (its switch port goes down)", cutNodeNetwork],
    ['net-restore', "plug a node's network cable back", restoreNodeNetwork],
  ] as const) {
    lab
      .command(name)
      .description(description)
      .argument('<node>', 'a lab node: node1, node2, ...', labNode)
      .action(async (node: string) => {
        requireRoot();
        await action(node).catch(fail);
      });
  }
  return lab;
}

function labNode(value: string): string {
  if (!new RegExp(`^node[1-${MAX_NODES}]$`).test(value)) throw new InvalidArgumentError(`expected a lab node name, node1 to node${MAX_NODES}`);
  return value;
}

function parseNodes(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < MIN_NODES || n > MAX_NODES) {
    throw new InvalidArgumentError(`expected an integer from ${MIN_NODES} to ${MAX_NODES}`);
  }
  return n;
}

function parsePgVersion(value: string): number {
  let major: number | undefined;
  try {
    major = parseWantedMajor(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
  if (major === undefined) throw new InvalidArgumentError('expected a PostgreSQL major version, e.g. 17');
  return major;
}

/**
 * The major asked for (--pg-version, else PGHA_PG_VERSION), checked against
 * the installed ones before anything is built: a usage error when it is
 * malformed or not installed, or when several are installed and none is chosen.
 */
function checkPgVersion(option: number | undefined): number | undefined {
  try {
    const wanted = wantedLabMajor(option);
    resolveLabMajor(wanted);
    return wanted;
  } catch (error) {
    throw new CliError((error as Error).message, EXIT.USAGE);
  }
}

/** The pgha source tree this CLI was built from, when it runs from one (dist/pgha.cjs in a checkout). */
function sourceTreeRoot(): string | undefined {
  let root: string;
  try {
    root = packageRoot();
  } catch {
    return undefined; // not bundled (run through tsx): nothing to locate the tree from
  }
  return existsSync(join(root, 'scripts', 'build.mjs')) ? root : undefined;
}

function requireRoot(): void {
  if (process.getuid?.() !== 0) throw new CliError('the lab needs root', EXIT.PERMISSION);
}

function fail(error: unknown): never {
  throw new CliError(errorMessage(error), EXIT.FAILED);
}
