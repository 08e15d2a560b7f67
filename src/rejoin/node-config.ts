import { lstat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { readFileSafely, writeFileSafely } from '../fs/safe-file.js';

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
    // Read as root in a directory the server's user controls: never through a link (safe-file.ts).
    if ((await lstat(path).catch(() => undefined)) === undefined) continue;
    saved.push({ name, ...(await readFileSafely(path)) });
  }
  return saved;
}

/** Writes back the files that changed (only those: an untouched data directory stays untouched). */
export async function restoreNodeConfig(datadir: string, saved: readonly SavedFile[]): Promise<void> {
  for (const file of saved) {
    const path = join(datadir, file.name);
    const current = await readFileSafely(path).catch(() => undefined);
    if (current?.content.equals(file.content)) continue;
    await writeFileSafely(dirname(path), basename(path), file.content, { mode: file.mode, owner: { uid: file.uid, gid: file.gid } });
  }
}
