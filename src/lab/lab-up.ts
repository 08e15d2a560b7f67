import { runChecked } from '../exec/run.js';
import { installPgha } from '../packaging/install-files.js';
import { cibDumpCommand, cibPushCommand } from '../cluster-config/pcs-commands.js';
import { LAB_AGENTS, clusterCommands, type AgentChoice } from './cib-commands.js';
import { buildNodeDirs } from './build-node-dirs.js';
import { crmMonText, waitForCluster, waitForStreaming } from './cluster-watch.js';
import { isHealthy } from './cluster-view.js';
import { launchDetached } from './launcher.js';
import { CLIENT_NETNS, LAB_PREFIX, NODE_NIC, PG_PORT, VIP, labLayout } from './layout.js';
import { createNetwork, existingLabNetns, netnsInode } from './network.js';
import { startHolder, startStack } from './node-boot.js';
import { runInNodeChecked } from './node-exec.js';
import { chooseLabMajor, labPostgresLayout, postgresPackages, resolveLabMajor, wantedLabMajor } from './lab-postgres.js';
import { ensurePackages, fileExists } from './packages.js';
import { installedMajors } from '../pg/installation.js';
import { setupPostgres } from './postgres-setup.js';
import { refOf } from './proc.js';
import { LAB_DIR, readLabState, writeAnchorRef, writeLabState, type LabState } from './state.js';
import { mkdir } from 'node:fs/promises';

export interface LabUpOptions {
  nodes: number;
  agent: AgentChoice;
  /** The PostgreSQL major version to run (--pg-version); undefined: PGHA_PG_VERSION's, else the only one installed. */
  pgMajor?: number;
  /** A pgha source tree to build (npm run build) and install from first; undefined: use what is installed. */
  buildRoot?: string;
  log: (line: string) => void;
}

export const FENCE_AGENT = 'fence_pgha_lab';
const CIB_FILE = '/var/lib/pacemaker/pgha-lab-cib.xml';

export async function labUp(options: LabUpOptions): Promise<string> {
  const { log } = options;
  const t0 = Date.now();
  const layout = labLayout(options.nodes);
  if ((await readLabState()) || (await existingLabNetns()).length > 0) {
    throw new Error('a lab (or what is left of one) exists: run "pgha lab down" first');
  }
  const wanted = wantedLabMajor(options.pgMajor);
  // Refused before anything is installed: a major asked for that is not installed, or several and none chosen.
  resolveLabMajor(wanted);
  await ensurePackages(log, postgresPackages(installedMajors(), wanted));
  const pg = labPostgresLayout(chooseLabMajor(wanted));
  if (options.buildRoot) {
    log(`building and installing pgha from ${options.buildRoot}`);
    await runChecked(process.execPath, ['scripts/build.mjs'], { cwd: options.buildRoot, timeoutMs: 180_000 });
    await installPgha(options.buildRoot);
  }
  await checkAgents(options.agent);

  log(`network: ${layout.length} nodes + client on a bridge in pgha-sw`);
  await mkdir(LAB_DIR, { recursive: true });
  // The anchor stays in the host namespaces so code running inside a node can get back there (nsenter -t anchor).
  await writeAnchorRef(await refOf(launchDetached('sleep', ['infinity'])));
  await createNetwork(layout);
  const state: LabState = {
    version: 1,
    agent: options.agent,
    pgMajor: pg.major,
    nodes: await Promise.all(layout.map(async (n) => ({ ...n, netnsInode: await netnsInode(n.netns) }))),
    clientNetnsInode: await netnsInode(CLIENT_NETNS),
    createdAt: new Date().toISOString(),
  };
  await writeLabState(state);
  for (const node of layout) await buildNodeDirs(node, layout, pg);
  for (const node of state.nodes) await startHolder(node);

  await setupPostgres(layout, pg, log);

  log('starting corosync and pacemaker on every node');
  await Promise.all(state.nodes.map((node) => startStack(node)));
  const names = layout.map((n) => n.name);
  await waitForCluster('quorum with every node online', 90_000, (s) => s.quorate && names.every((n) => s.online.includes(n)));

  log(`configuring the cluster (${LAB_AGENTS[options.agent].type}, VIP ${VIP}, fencing by ${FENCE_AGENT})`);
  const first = names[0]!;
  await runInNodeChecked(first, cibDumpCommand(CIB_FILE));
  const spec = {
    agent: options.agent,
    nodes: names,
    bindir: pg.bindir,
    pgdata: pg.pgdata,
    pghost: '/run/postgresql',
    pgport: PG_PORT,
    systemUser: 'postgres',
    vip: VIP,
    cidrNetmask: LAB_PREFIX,
    nic: NODE_NIC,
    fenceAgent: FENCE_AGENT,
  };
  for (const argv of clusterCommands(spec, CIB_FILE)) await runInNodeChecked(first, argv, { timeoutMs: 60_000 });
  await runInNodeChecked(first, cibPushCommand(CIB_FILE));
  // Every node stopped at the same WAL position: the agent may promote any of them.
  const status = await waitForCluster('a primary with the VIP, other nodes standbys', 180_000, (s) => isHealthy(s, names));
  await waitForStreaming(status.promoted[0]!, names, 60_000);
  log(`lab up in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  return crmMonText(first);
}

async function checkAgents(agent: AgentChoice): Promise<void> {
  const needed = [`/usr/sbin/${FENCE_AGENT}`];
  if (agent === 'pgha') needed.push('/usr/lib/ocf/resource.d/pgha/postgresql');
  for (const path of needed) {
    if (!(await fileExists(path))) throw new Error(`${path} is missing: build and install pgha ("npm run build && pgha install", or "pgha lab up --build")`);
  }
}
