import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Deadline } from '../exec/deadline.js';
import { PG_PORT, VIP } from './layout.js';
import { startHolder, startStack } from './node-boot.js';
import { labPostgres } from './lab-postgres.js';
import { hostPathOf } from './node-fs.js';
import { runInNode, runInNodeChecked } from './node-exec.js';
import { configureNode, pgCtl, writeOwned } from './postgres-setup.js';
import { LAB_USER } from './pg-config.js';
import { labPowerStatus } from './power.js';
import { findLabNode } from './state.js';
import { CLONE } from './cib-commands.js';
import { waitForCluster } from './cluster-watch.js';

/**
 * Brings a powered-off node back as a fresh standby: its PGDATA is re-cloned
 * from the current primary (through the VIP), run once, and only then are its
 * corosync and pacemaker started, and the clone's failures on it cleaned up.
 * It waits for the cluster to have fenced the node, if it was lost uncleanly.
 * This is what an operator does with a fenced ex-primary that has diverged.
 */
export async function rebuildStandby(node: string, log: (line: string) => void = () => undefined): Promise<void> {
  const n = await findLabNode(node);
  if ((await labPowerStatus(node)) !== 'off') throw new Error(`${node} must be powered off to be rebuilt`);
  // A fencing of the node still pending in the cluster would power off the rebuilt node's processes.
  await waitForCluster(`${node} fenced (offline, not unclean)`, 60_000, (s) => s.offline.includes(node) && !s.unclean.includes(node));
  const pg = await labPostgres();
  await startHolder(n, Deadline.after(15_000));
  log(`${node}: re-cloning PGDATA from the primary at ${VIP}`);
  await rm(hostPathOf(node, pg.pgdata), { recursive: true, force: true });
  await runInNodeChecked(
    node,
    [join(pg.bindir, 'pg_basebackup'), '-h', VIP, '-p', String(PG_PORT), '-U', LAB_USER, '-D', pg.pgdata, '-X', 'stream', '-c', 'fast'],
    { user: 'postgres', timeoutMs: 120_000 },
  );
  await configureNode(n, pg, false);
  await writeOwned(n, join(pg.pgdata, 'standby.signal'), '');
  await pgCtl(n, pg, 'start');
  await pgCtl(n, pg, 'stop');
  log(`${node}: starting corosync and pacemaker`);
  await startStack(n);
  await waitForCluster(`${node} online`, 60_000, (s) => s.online.includes(node));
  await cleanupResource(node);
}

/** Clears the clone's fail counts and failed operations on a node (crm_resource --cleanup), asked from any running node. */
export async function cleanupResource(node: string): Promise<void> {
  await runInNode(node, ['crm_resource', '--cleanup', '--resource', CLONE, '--node', node], { timeoutMs: 30_000 });
}
