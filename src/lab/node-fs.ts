import { join } from 'node:path';
import type { LabPostgres } from './lab-postgres.js';
import { nodeDir } from './state.js';

/**
 * Each node's private directories, kept on the host under the lab dir and
 * bind-mounted over the shared system paths inside the node's mount namespace.
 * Pure: paths only.
 */
export interface PrivateMount {
  /** Directory on the host. */
  source: string;
  /** Path it covers inside the node. */
  target: string;
}

/** PostgreSQL's paths inside a node (data directory, binaries): lab-postgres.ts. */
export const PG_LOGFILE = '/var/log/postgresql/lab.log';

export function privateMounts(node: string): PrivateMount[] {
  const root = join(nodeDir(node), 'root');
  return [
    { source: join(root, 'etc-corosync'), target: '/etc/corosync' },
    { source: join(root, 'var-lib-corosync'), target: '/var/lib/corosync' },
    { source: join(root, 'var-lib-pacemaker'), target: '/var/lib/pacemaker' },
    { source: join(root, 'var-log'), target: '/var/log' },
    { source: join(root, 'var-lib-postgresql'), target: '/var/lib/postgresql' },
    // The agent's node-local files (the rewind archive): shared, every lab's archives piled up on the host.
    { source: join(root, 'var-lib-pgha'), target: '/var/lib/pgha' },
  ];
}

/** The host path of a path inside the node, when it lies under one of its private mounts. */
export function hostPathOf(node: string, inside: string): string {
  for (const m of privateMounts(node)) {
    if (inside === m.target || inside.startsWith(`${m.target}/`)) return m.source + inside.slice(m.target.length);
  }
  throw new Error(`${inside} is not under a private mount of ${node}`);
}

/** Directories created (owner:group, mode) inside the private mounts when the node is first built. */
export const privateDirs = (pg: LabPostgres): ReadonlyArray<{ path: string; owner: string; group: string; mode: number }> => [
  { path: '/var/lib/pacemaker/cib', owner: 'hacluster', group: 'haclient', mode: 0o750 },
  { path: '/var/lib/pacemaker/pengine', owner: 'hacluster', group: 'haclient', mode: 0o750 },
  { path: '/var/lib/pacemaker/blackbox', owner: 'hacluster', group: 'haclient', mode: 0o750 },
  { path: '/var/lib/pacemaker/cores', owner: 'hacluster', group: 'haclient', mode: 0o750 },
  { path: '/var/log/pacemaker', owner: 'hacluster', group: 'haclient', mode: 0o770 },
  { path: '/var/log/crmsh', owner: 'hacluster', group: 'haclient', mode: 0o775 },
  { path: '/var/log/corosync', owner: 'root', group: 'root', mode: 0o755 },
  { path: '/var/log/cluster', owner: 'root', group: 'root', mode: 0o755 },
  { path: '/var/log/postgresql', owner: 'postgres', group: 'postgres', mode: 0o775 },
  { path: pg.versionDir, owner: 'postgres', group: 'postgres', mode: 0o755 },
  { path: '/etc/corosync', owner: 'root', group: 'root', mode: 0o755 },
  { path: '/var/lib/corosync', owner: 'root', group: 'root', mode: 0o755 },
];

/** Directories created in the node's fresh tmpfs /run at every boot. */
export const RUN_DIRS: ReadonlyArray<{ path: string; owner: string; group: string; mode: string }> = [
  { path: '/run/crm', owner: 'hacluster', group: 'haclient', mode: '0750' },
  { path: '/run/postgresql', owner: 'postgres', group: 'postgres', mode: '2775' },
  { path: '/run/corosync', owner: 'root', group: 'root', mode: '0755' },
  { path: '/run/resource-agents', owner: 'root', group: 'root', mode: '0755' },
  { path: '/run/lock', owner: 'root', group: 'root', mode: '1777' },
];
