import { lstat } from 'node:fs/promises';
import { openDirectory, UnsafeFileError, writeInDirectory } from '../fs/safe-file.js';

/**
 * Writes a file into the data directory owned like the directory itself: the
 * agent runs as root, and the server (which reads standby.signal, and copies
 * every file into base backups) runs as the directory's owner. The
 * directory's owner controls it, so nothing is followed (see safe-file.ts),
 * and it must hold PG_VERSION and not belong to root (PostgreSQL never runs as
 * root): a data directory path swapped for a link to /etc is refused.
 */
export async function writeDataDirectoryFile(datadir: string, name: string, content: string | Buffer, mode = 0o600): Promise<void> {
  const directory = await openDirectory(datadir);
  try {
    if (directory.stat.uid === 0) throw new UnsafeFileError(datadir, 'a data directory owned by root');
    const version = await lstat(directory.entry('PG_VERSION')).catch(() => undefined);
    if (!version?.isFile()) throw new UnsafeFileError(datadir, 'not a PostgreSQL data directory (no PG_VERSION)');
    await writeInDirectory(directory, name, content, { mode, owner: 'directory' });
  } finally {
    await directory.close();
  }
}
