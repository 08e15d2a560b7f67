import { access, constants } from 'node:fs/promises';
import { run, runChecked } from '../exec/run.js';

/**
 * What the lab needs on the host, and the Debian package providing each piece.
 * Missing packages are installed with apt-get (the lab is for disposable
 * Debian 12 or 13 test machines, run as root). PostgreSQL is not among these
 * files: its packages depend on the major version (lab-postgres.ts,
 * postgresPackages).
 */
export const REQUIRED_FILES: ReadonlyArray<{ path: string; pkg: string }> = [
  { path: '/usr/sbin/corosync', pkg: 'corosync' },
  { path: '/usr/sbin/pacemakerd', pkg: 'pacemaker' },
  { path: '/usr/sbin/pcs', pkg: 'pcs' },
  { path: '/usr/sbin/crm_mon', pkg: 'pacemaker-cli-utils' },
  { path: '/usr/lib/ocf/resource.d/heartbeat/IPaddr2', pkg: 'resource-agents' },
  { path: '/usr/lib/ocf/resource.d/heartbeat/pgsqlms', pkg: 'resource-agents-paf' },
  { path: '/usr/bin/nsenter', pkg: 'util-linux' },
  // Replication faults in tests (faults.ts).
  { path: '/usr/sbin/nft', pkg: 'nftables' },
];

/** Packages to install for the files that are missing (pure over the result of a presence check). */
export function missingPackages(present: ReadonlyMap<string, boolean>): string[] {
  const pkgs = REQUIRED_FILES.filter((f) => !present.get(f.path)).map((f) => f.pkg);
  return [...new Set(pkgs)];
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Installs the packages of the missing files, and `extra` (the PostgreSQL packages, if any). */
export async function ensurePackages(log: (line: string) => void, extra: readonly string[] = []): Promise<void> {
  const present = new Map<string, boolean>();
  for (const f of REQUIRED_FILES) present.set(f.path, await exists(f.path));
  const pkgs = [...missingPackages(present), ...extra];
  if (pkgs.length === 0) return;
  log(`installing ${pkgs.join(' ')}`);
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  await run('apt-get', ['update'], { timeoutMs: 300_000, env });
  await runChecked('apt-get', ['install', '-y', '--no-install-recommends', ...pkgs], { timeoutMs: 900_000, env });
}

export const fileExists = exists;
