import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  dataDirectoryMajor,
  initdbChecksumOptions,
  parseMajorVersion,
  rewindHasConfigFileOption,
  WAL_RECEIVER_CONNECT_WAIT_EVENT_SQL,
  walReceiverConnectWaitEvent,
} from '../../../src/pg/server-version.js';

describe('server version differences', () => {
  it('names the WAL receiver connect wait event as each version spells it', () => {
    assert.equal(walReceiverConnectWaitEvent(15), 'LibPQWalReceiverConnect');
    assert.equal(walReceiverConnectWaitEvent(16), 'LibPQWalReceiverConnect');
    assert.equal(walReceiverConnectWaitEvent(17), 'LibpqwalreceiverConnect');
    assert.equal(walReceiverConnectWaitEvent(18), 'LibpqwalreceiverConnect');
  });
  it('lets the server choose the same spelling in SQL, by its server_version_num', () => {
    assert.equal(
      WAL_RECEIVER_CONNECT_WAIT_EVENT_SQL,
      "CASE WHEN current_setting('server_version_num')::int >= 170000 THEN 'LibpqwalreceiverConnect' ELSE 'LibPQWalReceiverConnect' END",
    );
  });
  it('states checksums on or off explicitly for initdb: on by default from 18', () => {
    for (const major of [15, 16, 17]) {
      assert.deepEqual(initdbChecksumOptions(major, true), ['--data-checksums']);
      assert.deepEqual(initdbChecksumOptions(major, false), []);
    }
    assert.deepEqual(initdbChecksumOptions(18, true), []);
    assert.deepEqual(initdbChecksumOptions(18, false), ['--no-data-checksums']);
  });
  it('uses pg_rewind --config-file from 15 on', () => {
    assert.equal(rewindHasConfigFileOption(14), false);
    for (const major of [15, 16, 17, 18]) assert.equal(rewindHasConfigFileOption(major), true);
  });
  it('reads PG_VERSION, rejecting what is not a version', async () => {
    assert.equal(parseMajorVersion('17\n'), 17);
    assert.equal(parseMajorVersion('9.6\n'), 9);
    assert.equal(parseMajorVersion(''), undefined);
    assert.equal(parseMajorVersion('seventeen'), undefined);
    const dir = await mkdtemp(join(tmpdir(), 'pgha-version-'));
    try {
      assert.equal(dataDirectoryMajor(dir), undefined);
      await writeFile(join(dir, 'PG_VERSION'), '18\n');
      assert.equal(dataDirectoryMajor(dir), 18);
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});
