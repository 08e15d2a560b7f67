import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseLsn } from '../../../src/pg/lsn.js';
import { libpqInvocation } from '../../../src/pg/libpq-invocation.js';
import { parseIdentifyOutput, parseTimelineHistoryOutput } from '../../../src/pg/replication-connection.js';
import { historyFileName, parseTimelineHistory } from '../../../src/pg/timeline-history.js';
import { parseWaldumpEnd } from '../../../src/pg/wal-end.js';
import { parseWalFileName, walFileName } from '../../../src/pg/wal-files.js';

const SEG = 16n * 1024n * 1024n;

describe('pg_waldump end-of-WAL parsing', () => {
  it('reads the last record and the end from "invalid record length" (PostgreSQL 15 wording)', () => {
    const stderr = 'pg_waldump: error: error in WAL record at 0/3027B38: invalid record length at 0/3027B60: wanted 24, got 0';
    assert.deepEqual(parseWaldumpEnd(stderr, SEG), { lastRecord: parseLsn('0/3027B38'), end: parseLsn('0/3027B60') });
  });
  it('reads a recycled segment as the end: segment start plus offset', () => {
    const stderr = 'pg_waldump: error: error in WAL record at 0/4FFFFB0: unexpected pageaddr 0/1000000 in log segment 000000010000000000000005, offset 0';
    assert.deepEqual(parseWaldumpEnd(stderr, SEG), { lastRecord: parseLsn('0/4FFFFB0'), end: parseLsn('0/5000000') });
  });
  it('a missing next segment means the WAL ends at its start', () => {
    const stderr = 'pg_waldump: error: could not find file "000000020000000000000007": No such file or directory';
    assert.deepEqual(parseWaldumpEnd(stderr, SEG), { lastRecord: undefined, end: parseLsn('0/7000000') });
  });
  it('unknown wording keeps at least one byte past the last record; no record at all is undefined', () => {
    assert.deepEqual(parseWaldumpEnd('pg_waldump: error: error in WAL record at 0/3000028: something new', SEG), { lastRecord: parseLsn('0/3000028'), end: parseLsn('0/3000029') });
    assert.equal(parseWaldumpEnd('pg_waldump: error: could not find a valid record after 0/3000000', SEG), undefined);
  });
});

describe('timeline history', () => {
  it('parses a history file, skipping comments and blank lines', () => {
    const text = '# comment\n1\t0/30180D0\tno recovery target specified\n\n2\t0/5000028\tbefore 2000-01-01\n';
    assert.deepEqual(parseTimelineHistory(text), [
      { timeline: 1, switchpoint: parseLsn('0/30180D0') },
      { timeline: 2, switchpoint: parseLsn('0/5000028') },
    ]);
  });
  it('rejects garbage and non-increasing timelines', () => {
    assert.throws(() => parseTimelineHistory('x\t0/1\n'));
    assert.throws(() => parseTimelineHistory('2\t0/1\n1\t0/2\n'), /not increasing/);
  });
  it('names history files like PostgreSQL', () => assert.equal(historyFileName(26), '0000001A.history'));
  it('reads TIMELINE_HISTORY from psql -A -t -z -0 output', () => {
    const out = '00000002.history\x001\t0/30180D0\tno recovery target specified\n\x00';
    assert.deepEqual(parseTimelineHistoryOutput(out), [{ timeline: 1, switchpoint: parseLsn('0/30180D0') }]);
    assert.throws(() => parseTimelineHistoryOutput(''), /no history file/);
  });
});

describe('IDENTIFY_SYSTEM', () => {
  it('reads the row and in_hot_standby (PostgreSQL 14+)', () => {
    const id = parseIdentifyOutput('7711487960451432892\x002\x000/3018270\x00\x00off\x00');
    assert.deepEqual(id, { systemId: '7711487960451432892', timeline: 2, flushLsn: parseLsn('0/3018270'), inHotStandby: false });
    assert.equal(parseIdentifyOutput('1\x003\x000/1\x00\x00on\x00').inHotStandby, true);
  });
  it('in_hot_standby is unknown when the server lacks it; no row is an error', () => {
    assert.equal(parseIdentifyOutput('1\x002\x000/1\x00\x00').inHotStandby, undefined);
    assert.throws(() => parseIdentifyOutput(''), /no row/);
  });
});

describe('libpq invocation', () => {
  it('moves the password to PGPASSWORD and adds keywords, quoted', () => {
    const inv = libpqInvocation("host=10.0.0.9 user=repl password='s3 cr\\'et' application_name=node1", { replication: 'true' });
    assert.equal(inv.conninfo, "host='10.0.0.9' user='repl' application_name='node1' replication='true'");
    assert.equal(inv.env.PGPASSWORD, "s3 cr'et");
    assert.equal(inv.env.PGCONNECT_TIMEOUT, '5');
  });
  it('handles URIs and keeps an explicit dbname over the default', () => {
    const inv = libpqInvocation('postgresql://repl:pw@vip:5433/app?connect_timeout=2', {}, { dbname: 'postgres' });
    assert.equal(inv.conninfo, "host='vip' port='5433' user='repl' dbname='app' connect_timeout='2'");
    assert.deepEqual(inv.env, { PGPASSWORD: 'pw' });
  });
});

describe('WAL file names', () => {
  it('round-trips timeline and segment number', () => {
    // 16 MB segments: 256 per 4 GB "xlogid".
    assert.equal(walFileName(2, 256n + 3n, SEG), '000000020000000100000003');
    assert.deepEqual(parseWalFileName('000000020000000100000003', SEG), { timeline: 2, segno: 259n });
    assert.equal(parseWalFileName('00000002.history', SEG), undefined);
  });
});
