import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { chooseMajor, debianBindir, installedMajors, parseWantedMajor } from '../../../src/pg/installation.js';

describe('PostgreSQL installation discovery', () => {
  it('lists the majors that have a pg_ctl under the Debian layout, ascending', async () => {
    const root = await mkdtemp(join(tmpdir(), 'pgha-pglib-'));
    try {
      assert.deepEqual(installedMajors(join(root, 'absent')), []);
      for (const major of ['17', '15', '18']) {
        await mkdir(debianBindir(Number(major), root), { recursive: true });
        if (major !== '18') await writeFile(join(debianBindir(Number(major), root), 'pg_ctl'), '');
      }
      await mkdir(join(root, 'README'));
      await chmod(root, 0o755);
      assert.deepEqual(installedMajors(root), [15, 17], '18 has no pg_ctl (only a client package), README is no version');
    } finally {
      await rm(root, { recursive: true });
    }
  });
  it('takes the only one installed, or the one asked for', () => {
    assert.equal(chooseMajor([17], undefined, '--pg-version'), 17);
    assert.equal(chooseMajor([15, 17], 15, '--pg-version'), 15);
  });
  it('says what to do when none, several, or another one is installed', () => {
    assert.throws(() => chooseMajor([], undefined, '--pg-version'), /no PostgreSQL installed .*install the postgresql package/);
    assert.throws(() => chooseMajor([15, 17], undefined, '--pg-version'), /several PostgreSQL versions are installed \(15, 17\): choose one with --pg-version/);
    assert.throws(() => chooseMajor([15], 17, '--pg-version'), /PostgreSQL 17 is not installed .*installed: 15/);
  });
  it('parses a wanted major version', () => {
    assert.equal(parseWantedMajor(undefined), undefined);
    assert.equal(parseWantedMajor(''), undefined);
    assert.equal(parseWantedMajor('18'), 18);
    assert.throws(() => parseWantedMajor('17.2'), /not a PostgreSQL major version: "17.2"/);
  });
});
