import { chown, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Writes a file into the data directory owned like the directory itself: the
 * agent runs as root, and the server (which reads standby.signal, and copies
 * every file into base backups) runs as the directory's owner.
 */
export async function writeDataDirectoryFile(datadir: string, name: string, content: string, mode?: number): Promise<void> {
  const owner = await stat(datadir);
  const file = join(datadir, name);
  await writeFile(file, content, mode === undefined ? {} : { mode });
  await chown(file, owner.uid, owner.gid);
}
