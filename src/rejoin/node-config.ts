import { mkdir, readdir, readFile, realpath, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { makeDirectorySafely, readFileSafely, writeFileSafely } from '../fs/safe-file.js';
import { isWithin } from './reclone-plan.js';
import { readServerSetting } from '../pg/settings.js';
import { resolveConfigSources, type ConfigFile, type ConfigReader } from './config-includes.js';
import type { RejoinTarget } from './target.js';

/**
 * The configuration a rewind or re-clone must leave as it was: pg_rewind and
 * pg_basebackup copy the source's files over the data directory, and every
 * configuration file in it belongs to this node (its port, its
 * primary_conninfo and application_name, its ALTER SYSTEM settings). Files
 * outside the data directory (Debian's /etc/postgresql) are never touched.
 */
const DATA_DIRECTORY_ROOTS: readonly ConfigFile[] = [
  { path: 'postgresql.conf', syntax: 'server' },
  { path: 'postgresql.auto.conf', syntax: 'server' },
  { path: 'pg_hba.conf', syntax: 'auth' },
  { path: 'pg_ident.conf', syntax: 'auth' },
];

export interface SavedFile {
  /** Absolute path, inside the data directory (symbolic links resolved). */
  path: string;
  /** The path relative to the data directory. */
  name: string;
  content: Buffer;
  mode: number;
  uid: number;
  gid: number;
}

export interface NodeConfig {
  /** Where the server starts reading: config_file, postgresql.auto.conf, hba_file, ident_file (and the usual names in the data directory). */
  roots: ConfigFile[];
  files: SavedFile[];
}

const fileReader: ConfigReader = {
  readFile: async (path) => ((await stat(path).catch(() => undefined))?.isFile() ? readFile(path, 'utf8') : undefined),
  listFiles: async (dir) => {
    const names = await readdir(dir).catch(() => undefined);
    if (names === undefined) return undefined;
    const isFile = await Promise.all(names.map(async (n) => (await stat(join(dir, n)).catch(() => undefined))?.isFile() ?? false));
    return names.filter((_, i) => isFile[i]);
  },
};

/** The files the server reads (as it resolves includes) that lie inside the data directory, symbolic links resolved. */
async function filesInDataDirectory(datadir: string, roots: readonly ConfigFile[]): Promise<string[]> {
  const real = await realpath(datadir);
  const { files } = await resolveConfigSources(roots, fileReader);
  const inside: string[] = [];
  for (const { path } of files) {
    const location = await realpath(path).catch(() => undefined);
    if (location !== undefined && isWithin(real, location) && !inside.includes(location)) inside.push(location);
  }
  return inside;
}

async function configRoots(target: RejoinTarget): Promise<ConfigFile[]> {
  const read = (name: string) => readServerSetting(target.bindir, target.pgdata, target.startOptions, target.systemUser, name);
  let configFile: string, hbaFile: string, identFile: string;
  try {
    [configFile, hbaFile, identFile] = await Promise.all([read('config_file'), read('hba_file'), read('ident_file')]);
  } catch (error) {
    throw new Error(`cannot tell which configuration files belong to this node (${(error as Error).message}); nothing was changed`);
  }
  const roots: ConfigFile[] = [
    { path: configFile, syntax: 'server' },
    { path: join(target.datadir, 'postgresql.auto.conf'), syntax: 'server' },
    { path: hbaFile, syntax: 'auth' },
    { path: identFile, syntax: 'auth' },
    ...dataDirectoryRoots(target.datadir),
  ];
  return roots.filter((r, i) => roots.findIndex((o) => o.path === r.path) === i);
}

/** postgresql.conf, postgresql.auto.conf, pg_hba.conf, pg_ident.conf at their usual place in `datadir`. */
export const dataDirectoryRoots = (datadir: string): ConfigFile[] => DATA_DIRECTORY_ROOTS.map((r) => ({ ...r, path: join(datadir, r.path) }));

/**
 * Reads every configuration file read from `roots` that lies in the data
 * directory, includes and include_dir files too. A file that is a link to
 * outside it is not the data directory's (and is never read through the link);
 * one with other hard links is refused (safe-file.ts).
 */
export async function saveNodeConfig(datadir: string, roots: ConfigFile[]): Promise<NodeConfig> {
  const real = await realpath(datadir);
  const files: SavedFile[] = [];
  for (const path of await filesInDataDirectory(datadir, roots)) {
    files.push({ path, name: relative(real, path), ...(await readFileSafely(path)) });
  }
  return { roots, files };
}

export interface KeptNodeConfig extends NodeConfig {
  /** Where the copies are, at each file's path in the data directory. */
  copyDir: string;
}

/**
 * Where a rejoin keeps the copies: beside the discarded WAL, in
 * <evidence>/node-config/, or without any (nothing discarded) in
 * <rewind_archive_dir>/<node>-<time>-node-config/.
 */
export const nodeConfigCopyDir = (target: RejoinTarget, evidencePath: string, now = new Date()) =>
  evidencePath !== '' ? join(evidencePath, 'node-config') : join(target.archiveDir, `${target.node}-${now.toISOString().replace(/[:.]/g, '-')}-node-config`);

/**
 * Saves the node's configuration and keeps a copy of each file in `copyDir`
 * (small, so never skipped for the archive's size limit): never lose a file the DBA wrote.
 */
export async function keepNodeConfig(target: RejoinTarget, copyDir: string): Promise<KeptNodeConfig> {
  const config = await saveNodeConfig(target.datadir, await configRoots(target));
  for (const file of config.files) await keepCopy(join(copyDir, file.name), file.content);
  return { ...config, copyDir };
}

/** After pg_rewind or pg_basebackup: the node's files back, and what the source added moved into the copy's from-source/. */
export async function putBackNodeConfig(target: RejoinTarget, kept: KeptNodeConfig): Promise<void> {
  const aside = join(kept.copyDir, 'from-source');
  const moved = await restoreNodeConfig(target.datadir, kept, aside);
  const names = kept.files.map((f) => f.name).join(', ');
  target.log.info(`node configuration kept (${names}; copies in ${kept.copyDir})`);
  if (moved.length > 0) target.log.warning(`configuration files copied from the source and not read here before moved to ${aside}: ${moved.join(', ')}`);
}

/**
 * Puts every saved file back byte for byte (recreating its directory if the
 * source had none), then moves aside into `asideDir` any file that is now
 * read but was not before (a per-node file of the source's that pg_rewind
 * copied into an include_dir, say). Returns the paths moved aside.
 */
export async function restoreNodeConfig(datadir: string, config: NodeConfig, asideDir: string): Promise<string[]> {
  const owner = await stat(datadir);
  for (const file of config.files) {
    const current = await readFileSafely(file.path).catch(() => undefined);
    if (current?.content.equals(file.content) && current.mode === file.mode && current.uid === file.uid && current.gid === file.gid) continue;
    await makeParents(dirname(file.path), { uid: owner.uid, gid: owner.gid });
    await writeFileSafely(dirname(file.path), basename(file.path), file.content, { mode: file.mode, owner: { uid: file.uid, gid: file.gid } });
  }
  const saved = new Set(config.files.map((f) => f.path));
  const extra = (await filesInDataDirectory(datadir, config.roots)).filter((p) => !saved.has(p));
  const real = await realpath(datadir);
  for (const path of extra) {
    await keepCopy(join(asideDir, relative(real, path)), (await readFileSafely(path)).content);
    await unlink(path);
  }
  return extra;
}

/** A directory the source lacked (a conf.d), made again as the server's user's, each level safely. */
async function makeParents(dir: string, owner: { uid: number; gid: number }): Promise<void> {
  if ((await stat(dir).catch(() => undefined))?.isDirectory()) return;
  await makeParents(dirname(dir), owner);
  await makeDirectorySafely(dir, 0o700, owner);
}

/** Root's copy in the evidence archive (a directory root owns), never replacing another (the same one twice: a rewind, then its fallback re-clone). */
async function keepCopy(path: string, content: Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o750 });
  if ((await readFileSafely(path).catch(() => undefined))?.content.equals(content)) return;
  await writeFileSafely(dirname(path), basename(path), content, { mode: 0o600, owner: 'caller', replace: false });
}
