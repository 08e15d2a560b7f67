import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseMajorVersion } from './server-version.js';

/** Where Debian's postgresql-<major> packages put each major version (several may be installed side by side). */
export const DEBIAN_PG_LIB = '/usr/lib/postgresql';

export const debianBindir = (major: number, root = DEBIAN_PG_LIB) => join(root, String(major), 'bin');

/** The major versions installed under Debian's layout (those with a pg_ctl), ascending. */
export function installedMajors(root = DEBIAN_PG_LIB): number[] {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  return names
    .map((name) => parseMajorVersion(name))
    .filter((major): major is number => major !== undefined && existsSync(join(debianBindir(major, root), 'pg_ctl')))
    .sort((a, b) => a - b);
}

/**
 * The major version to use: the one asked for, which must be installed, or
 * the only one installed. `how` names the way to ask for one in the error.
 */
export function chooseMajor(installed: readonly number[], wanted: number | undefined, how: string): number {
  if (wanted !== undefined) {
    if (installed.includes(wanted)) return wanted;
    throw new Error(`PostgreSQL ${wanted} is not installed (${DEBIAN_PG_LIB}/${wanted}/bin/pg_ctl is missing; installed: ${installed.join(', ') || 'none'})`);
  }
  if (installed.length === 1) return installed[0]!;
  if (installed.length === 0) throw new Error(`no PostgreSQL installed (no ${DEBIAN_PG_LIB}/<major>/bin/pg_ctl): install the postgresql package`);
  throw new Error(`several PostgreSQL versions are installed (${installed.join(', ')}): choose one with ${how}`);
}

/** A --pg-version / PGHA_PG_VERSION value; undefined when not given. */
export function parseWantedMajor(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const major = /^\d+$/.test(text) ? Number(text) : undefined;
  if (major === undefined) throw new Error(`not a PostgreSQL major version: "${text}" (expected e.g. 17)`);
  return major;
}
