import { join } from 'node:path';
import { chooseMajor, debianBindir, installedMajors, parseWantedMajor } from '../pg/installation.js';
import { requireLabState } from './state.js';

/**
 * The lab's PostgreSQL: one major version for every node, chosen when the lab
 * comes up (`pgha lab up --pg-version N`, or PGHA_PG_VERSION=N, or the only
 * one installed) and recorded in the lab's state. Every path of it that the
 * lab, its tests and the benchmarks use comes from labPostgresLayout.
 */
export interface LabPostgres {
  major: number;
  /** Debian's /usr/lib/postgresql/<major>/bin, the same on every node. */
  bindir: string;
  /** /var/lib/postgresql/<major>, in each node's private /var/lib/postgresql. */
  versionDir: string;
  /**
   * Every node's data directory, at the same path inside each node, as on real
   * machines (one resource parameter for all). All nodes share this host's
   * /proc, so tools that find "their" postgres processes must compare
   * directories by device and inode, not by path.
   */
  pgdata: string;
  /**
   * Node-specific files live outside the data directory (next to it), as in
   * PAF's quick start: pg_basebackup, pg_rewind and re-clones copy everything
   * inside PGDATA from another node, which would give this node the other's
   * application_name and pg_hba.
   */
  confPath: string;
  hbaPath: string;
}

/** The lab's paths for a major version. Pure. */
export function labPostgresLayout(major: number): LabPostgres {
  const versionDir = join('/var/lib/postgresql', String(major));
  return {
    major,
    bindir: debianBindir(major),
    versionDir,
    pgdata: join(versionDir, 'lab'),
    confPath: join(versionDir, 'pgha-lab.conf'),
    hbaPath: join(versionDir, 'pgha-lab-hba.conf'),
  };
}

export const PG_VERSION_CHOICE = '--pg-version N (or PGHA_PG_VERSION=N)';

/** The major version asked for: the option's, else PGHA_PG_VERSION's; undefined when neither is given. Throws on a malformed value. */
export function wantedLabMajor(option: number | undefined, env: NodeJS.ProcessEnv = process.env): number | undefined {
  if (option !== undefined) return option;
  try {
    return parseWantedMajor(env.PGHA_PG_VERSION);
  } catch (error) {
    throw new Error(`PGHA_PG_VERSION: ${(error as Error).message}`);
  }
}

/**
 * The major a new lab runs: the one asked for (which must be installed), else
 * the only one installed. Undefined when no PostgreSQL is installed at all
 * (the lab installs it first, see postgresPackages); throws chooseMajor's
 * error otherwise (not installed, or several and none chosen).
 */
export function resolveLabMajor(wanted: number | undefined, installed: readonly number[] = installedMajors()): number | undefined {
  return installed.length === 0 ? undefined : chooseLabMajor(wanted, installed);
}

/** As resolveLabMajor, once PostgreSQL is installed: throws when none is. */
export function chooseLabMajor(wanted: number | undefined, installed: readonly number[] = installedMajors()): number {
  return chooseMajor(installed, wanted, PG_VERSION_CHOICE);
}

/**
 * Packages to install so that the lab has its PostgreSQL: none when any major is
 * installed (resolveLabMajor chooses among them); else the major asked for, or
 * Debian's default version through the postgresql and postgresql-client
 * metapackages (15 on Debian 12, 17 on Debian 13). Pure.
 */
export function postgresPackages(installed: readonly number[], wanted: number | undefined): string[] {
  if (installed.length > 0) return [];
  return wanted === undefined ? ['postgresql', 'postgresql-client'] : [`postgresql-${wanted}`, `postgresql-client-${wanted}`];
}

/**
 * The running lab's PostgreSQL, as `pgha lab up` recorded it. A lab brought up
 * before the major was recorded ran the only major installed.
 */
export async function labPostgres(): Promise<LabPostgres> {
  const state = await requireLabState();
  return labPostgresLayout(state.pgMajor ?? chooseLabMajor(wantedLabMajor(undefined)));
}
