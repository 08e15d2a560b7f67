import assert from 'node:assert/strict';
import { chownSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { copyFileSafely, makeDirectorySafely, openDirectory, readFileSafely, UnsafeFileError, writeFileSafely } from '../../../src/fs/safe-file.js';
import { writeDataDirectoryFile } from '../../../src/pg/data-directory-file.js';
import { dataDirectoryRoots, restoreNodeConfig, saveNodeConfig } from '../../../src/rejoin/node-config.js';

const root = mkdtempSync(join(tmpdir(), 'pgha-safe-file-'));
after(() => rmSync(root, { recursive: true, force: true }));
const asRoot = process.getuid?.() === 0;
let n = 0;
/** A fresh directory with a "victim" file outside it, standing for /etc/shadow. */
function scene(): { dir: string; victim: string } {
  const base = join(root, String(n++));
  const dir = join(base, 'data');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'PG_VERSION'), '15\n');
  const victim = join(base, 'victim');
  writeFileSync(victim, 'secret', { mode: 0o644 });
  return { dir, victim };
}
const unchanged = (victim: string) => {
  assert.equal(readFileSync(victim, 'utf8'), 'secret');
  assert.equal(statSync(victim).uid, process.getuid?.());
};

describe('writeFileSafely', () => {
  it('writes a new file with the mode and the directory owner, through its descriptor', async () => {
    const { dir } = scene();
    if (asRoot) chownSync(dir, 4321, 4321);
    await writeFileSafely(dir, 'standby.signal', 'x', { mode: 0o640 });
    const info = statSync(join(dir, 'standby.signal'));
    assert.equal(readFileSync(join(dir, 'standby.signal'), 'utf8'), 'x');
    assert.equal(info.mode & 0o777, 0o640);
    if (asRoot) assert.deepEqual([info.uid, info.gid], [4321, 4321]);
    assert.deepEqual(readdirSync(dir).sort(), ['PG_VERSION', 'standby.signal'], 'no temporary file is left');
  });

  it('replaces a regular file atomically', async () => {
    const { dir } = scene();
    writeFileSync(join(dir, 'f'), 'old');
    await writeFileSafely(dir, 'f', 'new');
    assert.equal(readFileSync(join(dir, 'f'), 'utf8'), 'new');
  });

  it('refuses a planted symbolic link and leaves its target alone', async () => {
    const { dir, victim } = scene();
    symlinkSync(victim, join(dir, 'standby.signal'));
    await assert.rejects(writeFileSafely(dir, 'standby.signal', ''), (e: Error) => e instanceof UnsafeFileError && /symbolic link/.test(e.message));
    unchanged(victim);
    assert.ok(lstatSync(join(dir, 'standby.signal')).isSymbolicLink());
  });

  it('refuses a planted hard link and leaves the other name alone', async () => {
    const { dir, victim } = scene();
    linkSync(victim, join(dir, 'standby.signal'));
    await assert.rejects(writeFileSafely(dir, 'standby.signal', ''), /2 hard links/);
    unchanged(victim);
  });

  it('with replace: false refuses anything there, a dangling link included', async () => {
    const { dir } = scene();
    symlinkSync(join(root, 'nowhere'), join(dir, 'manifest.json'));
    await assert.rejects(writeFileSafely(dir, 'manifest.json', '{}', { replace: false }), UnsafeFileError);
    assert.throws(() => statSync(join(root, 'nowhere')));
  });

  it('refuses names that leave the directory', async () => {
    const { dir } = scene();
    for (const name of ['../x', '..', '', 'a/b']) await assert.rejects(writeFileSafely(dir, name, ''), UnsafeFileError, name);
  });
});

describe('writeDataDirectoryFile', () => {
  it('follows a link to the data directory itself (a volume), not one inside it', async () => {
    const { dir } = scene();
    if (asRoot) chownSync(dir, 4321, 4321);
    const link = `${dir}-link`;
    symlinkSync(dir, link);
    await writeDataDirectoryFile(link, 'standby.signal', '');
    assert.ok(statSync(join(dir, 'standby.signal')).isFile());
  });

  it('refuses a directory without PG_VERSION or owned by root (a data directory path swapped for /etc)', async () => {
    const { dir } = scene();
    rmSync(join(dir, 'PG_VERSION'));
    if (asRoot) chownSync(dir, 4321, 4321);
    await assert.rejects(writeDataDirectoryFile(dir, 'standby.signal', ''), /no PG_VERSION/);
    if (!asRoot) return;
    const other = scene();
    await assert.rejects(writeDataDirectoryFile(other.dir, 'standby.signal', ''), /owned by root/);
  });
});

describe('readFileSafely and copyFileSafely', () => {
  it('reads a regular file with its mode and owner', async () => {
    const { victim } = scene();
    const read = await readFileSafely(victim);
    assert.equal(read.content.toString(), 'secret');
    assert.equal(read.mode, 0o644);
  });

  it('refuse to read or copy through a link or a hard link', async () => {
    const { dir, victim } = scene();
    symlinkSync(victim, join(dir, 'sym'));
    linkSync(victim, join(dir, 'hard'));
    await assert.rejects(readFileSafely(join(dir, 'sym')), /symbolic link/);
    await assert.rejects(readFileSafely(join(dir, 'hard')), /hard links/);
    const out = join(root, `out-${n++}`);
    mkdirSync(out);
    const directory = await openDirectory(out);
    try {
      await assert.rejects(copyFileSafely(join(dir, 'sym'), directory, 'copy'), UnsafeFileError);
      await copyFileSafely(join(dir, 'PG_VERSION'), directory, 'copy');
      await assert.rejects(copyFileSafely(join(dir, 'PG_VERSION'), directory, 'copy'), /exists already/);
    } finally {
      await directory.close();
    }
    assert.deepEqual(readdirSync(out), ['copy']);
  });
});

describe('makeDirectorySafely', () => {
  it('makes the directory with owner and mode, and refuses a parent replaced meanwhile', async () => {
    const { dir } = scene();
    const path = join(dir, 'new');
    await makeDirectorySafely(path, 0o700, asRoot ? { uid: 4321, gid: 4321 } : undefined, statSync(dir));
    assert.equal(statSync(path).mode & 0o777, 0o700);
    if (asRoot) assert.equal(statSync(path).uid, 4321);
    await assert.rejects(makeDirectorySafely(join(dir, 'other'), 0o700, undefined, statSync(root)), /replaced meanwhile/);
    await assert.rejects(makeDirectorySafely(path, 0o700), /EEXIST/);
  });
});

describe('node configuration saved and restored around a rewind', () => {
  const save = (dir: string) => saveNodeConfig(dir, dataDirectoryRoots(dir));
  const aside = (dir: string) => join(dir, '..', 'aside');
  it('restores a changed file with its mode and owner, by replacing it', async () => {
    const { dir } = scene();
    writeFileSync(join(dir, 'postgresql.conf'), 'port = 5432\n', { mode: 0o640 });
    const saved = await save(dir);
    writeFileSync(join(dir, 'postgresql.conf'), 'port = 5433\n');
    await restoreNodeConfig(dir, saved, aside(dir));
    assert.equal(readFileSync(join(dir, 'postgresql.conf'), 'utf8'), 'port = 5432\n');
    assert.equal(statSync(join(dir, 'postgresql.conf')).mode & 0o777, 0o640);
  });

  it('never reads through a planted link (outside the data directory: not saved), refuses a hard link, and refuses to restore onto either', async () => {
    for (const plant of [symlinkSync, linkSync]) {
      const { dir, victim } = scene();
      plant(victim, join(dir, 'pg_hba.conf'));
      if (plant === linkSync) await assert.rejects(save(dir), UnsafeFileError);
      else assert.deepEqual((await save(dir)).files, [], 'a link to outside is not the data directory\'s');
      rmSync(join(dir, 'pg_hba.conf'));
      writeFileSync(join(dir, 'pg_hba.conf'), 'local all all trust\n');
      const clean = await save(dir);
      rmSync(join(dir, 'pg_hba.conf'));
      plant(victim, join(dir, 'pg_hba.conf'));
      await assert.rejects(restoreNodeConfig(dir, clean, aside(dir)), UnsafeFileError);
      unchanged(victim);
    }
  });
});
