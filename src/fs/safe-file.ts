import { constants, type Stats } from 'node:fs';
import { lstat, mkdir, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname } from 'node:path';

/**
 * File operations for a root process inside directories another user
 * controls (the data directory, its parent, pg_wal, the socket directory):
 * no symbolic link is ever followed at the last component, nothing written
 * as root lands in a file that already exists, and ownership and mode are set
 * on the open descriptor, never by path after the fact.
 *
 * API (every function refuses with UnsafeFileError, naming the path):
 * - openDirectory(path, { noFollow }) -> { path, stat, handle, entry(name), close() }:
 *   entry(name) is /proc/self/fd/<fd>/<name>, so a directory swapped for a
 *   link after it was opened changes nothing.
 * - writeFileSafely(dir, name, content, { mode = 0o600, owner = 'directory' | 'caller' | {uid,gid},
 *   replace = true }) and writeInDirectory(openDirectory, ...): writes dir/name
 *   through a fresh file created O_CREAT|O_EXCL|O_NOFOLLOW, fchown/fchmod/fsync
 *   on its descriptor, then renamed over dir/name (atomic: readers see the old
 *   or the new content). An existing dir/name that is a symbolic link, not a
 *   regular file, or has other hard links is refused; replace: false creates
 *   dir/name itself O_EXCL (refusing anything there).
 * - readFileSafely(path): content, mode, uid and gid of a regular file opened
 *   with O_NOFOLLOW; a link or a file with other hard links is refused.
 * - copyFileSafely(from, openDirectory, name, mode = 0o640): readFileSafely, then a new file (never replacing).
 * - makeDirectorySafely(path, mode, owner?, parent?: {dev, ino}): mkdir, then open it
 *   O_DIRECTORY|O_NOFOLLOW and fchown/fchmod that descriptor; refused when the
 *   parent is no longer the directory identified by `parent`.
 */
export class UnsafeFileError extends Error {
  constructor(readonly path: string, why: string) {
    super(`refusing to touch ${path} as root: ${why}`);
    this.name = 'UnsafeFileError';
  }
}

export interface Owner {
  uid: number;
  gid: number;
}

export interface WriteOptions {
  mode?: number;
  /** 'directory': the directory's owner and group (the default); none: the caller's (root). */
  owner?: Owner | 'directory' | 'caller';
  /** false: the file must not exist yet (default true). */
  replace?: boolean;
}

const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_DIRECTORY } = constants;

/** An open directory: names below it resolve through its descriptor, not through its path again. */
export interface OpenDirectory {
  path: string;
  stat: Stats;
  handle: FileHandle;
  /** The path of `name` inside the opened directory, immune to the directory's path being swapped. */
  entry(name: string): string;
  close(): Promise<void>;
}

/**
 * Opens a directory. Links on the way to it are followed (the caller names it, and a data
 * directory may be a link to its volume) unless noFollow, which refuses a link as the last component.
 */
export async function openDirectory(path: string, { noFollow = false } = {}): Promise<OpenDirectory> {
  const handle = await open(path, O_RDONLY | O_DIRECTORY | (noFollow ? O_NOFOLLOW : 0)).catch((error: NodeJS.ErrnoException) => {
    throw error.code === 'ELOOP' || error.code === 'ENOTDIR' ? new UnsafeFileError(path, 'not a directory (a symbolic link?)') : error;
  });
  return { path, stat: await handle.stat(), handle, entry: (name) => `/proc/self/fd/${handle.fd}/${checkedName(path, name)}`, close: () => handle.close() };
}

function checkedName(dir: string, name: string): string {
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) throw new UnsafeFileError(`${dir}/${name}`, 'not a plain file name');
  return name;
}

export async function writeFileSafely(dir: string, name: string, content: string | Buffer, options: WriteOptions = {}): Promise<void> {
  const directory = await openDirectory(dir);
  try {
    await writeInDirectory(directory, name, content, options);
  } finally {
    await directory.close();
  }
}

/** writeFileSafely into a directory already opened (and checked) by the caller. */
export async function writeInDirectory(directory: OpenDirectory, name: string, content: string | Buffer, options: WriteOptions = {}): Promise<void> {
  const replace = options.replace ?? true;
  await refuseExisting(directory, name, replace);
  const owner = options.owner === 'caller' ? undefined : options.owner === undefined || options.owner === 'directory' ? directory.stat : options.owner;
  const mode = options.mode ?? 0o600;
  // O_EXCL on the name itself: whatever appeared there since the check makes this fail.
  if (!replace) return writeNewFile(directory.entry(name), content, mode, owner).catch((error: NodeJS.ErrnoException) => {
    throw error.code === 'EEXIST' || error.code === 'ELOOP' ? new UnsafeFileError(`${directory.path}/${name}`, 'it exists already') : error;
  });
  const temporary = `.${name}.pgha-${randomBytes(6).toString('hex')}`;
  await writeNewFile(directory.entry(temporary), content, mode, owner);
  try {
    await rename(directory.entry(temporary), directory.entry(name));
  } catch (error) {
    await unlink(directory.entry(temporary)).catch(() => undefined);
    throw error;
  }
}

/** An existing entry is replaced only when it is a regular file with no other hard link: a link's target, or another name of the same file, is never what the caller meant. */
async function refuseExisting(directory: OpenDirectory, name: string, replace: boolean): Promise<void> {
  const path = `${directory.path}/${name}`;
  const existing = await lstat(directory.entry(name)).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (existing === undefined) return;
  if (!replace) throw new UnsafeFileError(path, 'it exists already');
  refuseUnsafeStat(path, existing);
}

function refuseUnsafeStat(path: string, info: Stats): void {
  if (info.isSymbolicLink()) throw new UnsafeFileError(path, 'it is a symbolic link');
  if (!info.isFile()) throw new UnsafeFileError(path, 'not a regular file');
  if (info.nlink > 1) throw new UnsafeFileError(path, `it has ${info.nlink} hard links`);
}

async function writeNewFile(path: string, content: string | Buffer, mode: number, owner: Owner | undefined): Promise<void> {
  const handle = await open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
  try {
    if (owner) await handle.chown(owner.uid, owner.gid);
    await handle.chmod(mode);
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export interface ReadFile {
  content: Buffer;
  mode: number;
  uid: number;
  gid: number;
}

/** Reads a regular file without following a link (a root read of a planted link would disclose its target). */
export async function readFileSafely(path: string): Promise<ReadFile> {
  let handle: FileHandle;
  try {
    handle = await open(path, O_RDONLY | O_NOFOLLOW);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw new UnsafeFileError(path, 'it is a symbolic link');
    throw error;
  }
  try {
    const info = await handle.stat();
    refuseUnsafeStat(path, info);
    return { content: await handle.readFile(), mode: info.mode & 0o7777, uid: info.uid, gid: info.gid };
  } finally {
    await handle.close();
  }
}

/** Copies a regular file (never through a link) into a new file `name` of an open directory, owned by the caller. */
export async function copyFileSafely(from: string, directory: OpenDirectory, name: string, mode = 0o640): Promise<void> {
  const { content } = await readFileSafely(from);
  await writeInDirectory(directory, name, content, { mode, owner: 'caller', replace: false });
}

export interface Identity {
  dev: number;
  ino: number;
}

/**
 * Makes a directory and gives it owner and mode through its own descriptor (a
 * chown by path could follow a link swapped in meanwhile). With `parent`, the
 * directory it is made in must still be that one (device and inode), not a link swapped in since.
 */
export async function makeDirectorySafely(path: string, mode: number, owner?: Owner, parent?: Identity): Promise<void> {
  const container = await openDirectory(dirname(path));
  try {
    if (parent && (container.stat.dev !== parent.dev || container.stat.ino !== parent.ino)) throw new UnsafeFileError(dirname(path), 'it was replaced meanwhile');
    await mkdir(container.entry(basename(path)), { mode: 0o700 });
    const made = await openDirectory(container.entry(basename(path)), { noFollow: true });
    try {
      if (owner) await made.handle.chown(owner.uid, owner.gid);
      await made.handle.chmod(mode);
    } finally {
      await made.close();
    }
  } finally {
    await container.close();
  }
}
