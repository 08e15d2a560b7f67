import { chown, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Configuration files that belong to this node even when they live in the
 * data directory: pg_rewind and pg_basebackup overwrite them with the
 * source's (its port, its primary_conninfo and application_name).
 */
export const NODE_LOCAL_FILES = ['postgresql.conf', 'postgresql.auto.conf', 'pg_hba.conf', 'pg_ident.conf'] as const;

export interface SavedFile {
  name: string;
  content: Buffer;
  mode: number;
  uid: number;
  gid: number;
}

export async function saveNodeConfig(datadir: string): Promise<SavedFile[]> {
  const saved: SavedFile[] = [];
  for (const name of NODE_LOCAL_FILES) {
    const path = join(datadir, name);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) continue;
    saved.push({ name, content: await readFile(path), mode: info.mode & 0o7777, uid: info.uid, gid: info.gid });
  }
  return saved;
}

/** Writes back the files that changed (only those: an untouched data directory stays untouched). */
export async function restoreNodeConfig(datadir: string, saved: readonly SavedFile[]): Promise<void> {
  for (const file of saved) {
    const path = join(datadir, file.name);
    const current = await readFile(path).catch(() => undefined);
    if (current?.equals(file.content)) continue;
    await writeFile(path, file.content, { mode: file.mode });
    await chown(path, file.uid, file.gid);
  }
}
