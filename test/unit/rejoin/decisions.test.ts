import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseLsn } from '../../../src/pg/lsn.js';
import { buildManifest, decideEvidenceCopy, evidenceFiles, reserveBytes } from '../../../src/rejoin/evidence-plan.js';
import { planRejoin, rewindBlocker } from '../../../src/rejoin/policy.js';
import { asidePath, DATA_DIRECTORY, decideReclone, describeKept, describeStep, isWithin, keptAside, mountPoints } from '../../../src/rejoin/reclone-plan.js';
import { missingRewindGrantsWarning } from '../../../src/agent/rejoin/validate-rewind.js';

const MB = 1024 * 1024;
const GB = 1024 * MB;
const SEG = 16n * 1024n * 1024n;
const diverged = { verdict: 'diverged' as const, forkLsn: parseLsn('0/30180D0'), forkTimeline: 1, reason: 'r' };

describe('evidence files', () => {
  const local = { timeline: 2, endLsn: parseLsn('0/5000010'), history: [{ timeline: 1, switchpoint: parseLsn('0/4800000') }] };
  it('takes the local lineage from the fork segment to the end segment, plus history files, not recycled segments', () => {
    const files = ['000000010000000000000002', '000000010000000000000003', '000000010000000000000004', '000000020000000000000004', '000000020000000000000005', '000000020000000000000006', '00000002.history', '00000003.history', 'archive_status'];
    assert.deepEqual(evidenceFiles(files, SEG, local, { forkLsn: parseLsn('0/30180D0'), forkTimeline: 1 }), [
      '000000010000000000000003',
      '000000010000000000000004',
      '000000020000000000000004',
      '000000020000000000000005',
      '00000002.history',
    ]);
  });
  it('a fork on the local timeline leaves its ancestors out', () => {
    const files = ['000000010000000000000004', '000000020000000000000004', '000000020000000000000005'];
    assert.deepEqual(evidenceFiles(files, SEG, local, { forkLsn: parseLsn('0/4900000'), forkTimeline: 2 }), ['000000020000000000000004', '000000020000000000000005']);
  });
});

describe('evidence copy decision', () => {
  const base = { neededBytes: 32 * MB, archiveBytes: 0, maxBytes: 1024 * MB, freeBytes: 50 * GB, totalBytes: 100 * GB };
  it('copies within the limit and the free-space reserve', () => assert.deepEqual(decideEvidenceCopy(base), { copy: true }));
  it('skips, loudly, past the archive size limit', () => {
    const d = decideEvidenceCopy({ ...base, archiveBytes: 1000 * MB });
    assert.ok(!d.copy && /NOT COPIED.*rewind_archive_max_mb/.test(d.warning));
  });
  it('skips rather than eat into the last 5% (at least 256 MB) of the file system', () => {
    assert.equal(reserveBytes(100 * GB), 5 * GB);
    assert.equal(reserveBytes(1 * GB), 256 * MB);
    const d = decideEvidenceCopy({ ...base, freeBytes: 5 * GB + 16 * MB });
    assert.ok(!d.copy && /would leave less than/.test(d.warning));
    assert.deepEqual(decideEvidenceCopy({ ...base, freeBytes: 5 * GB + 32 * MB }), { copy: true });
  });
});

describe('manifest', () => {
  it('names the fork, timelines, discarded range and how to inspect it; a skipped copy carries its warning', () => {
    const m = buildManifest({
      node: 'node1',
      now: new Date('2026-01-02T03:04:05Z'),
      action: 'rewind',
      systemIdentifier: '42',
      local: { timeline: 1, endLsn: parseLsn('0/3027B60'), history: [] },
      fork: { forkLsn: parseLsn('0/30180D0'), forkTimeline: 1 },
      newTimeline: 2,
      primaryFlushLsn: parseLsn('0/3018270'),
      files: ['000000010000000000000003'],
      decision: { copy: false, warning: 'NOT COPIED: full' },
      archivePath: '/a/node1-x',
    });
    assert.equal(m.forkLsn, '0/30180D0');
    assert.deepEqual(m.discardedRange, { from: '0/30180D0', to: '0/3027B60' });
    assert.equal(m.localTimeline, 1);
    assert.equal(m.newTimeline, 2);
    assert.equal(m.createdAt, '2026-01-02T03:04:05.000Z');
    assert.equal(m.copied, false);
    assert.equal(m.warning, 'NOT COPIED: full');
    assert.equal(m.inspectWith, 'pg_waldump --path /a/node1-x --timeline 1 --start 0/30180D0');
  });
});

describe('rejoin policy', () => {
  it('compatible or unknown: nothing to do', () => {
    assert.deepEqual(planRejoin('rewind', { verdict: 'compatible' }, undefined), { action: 'none' });
    assert.deepEqual(planRejoin('reclone', { verdict: 'unknown', reason: 'x' }, undefined), { action: 'none' });
  });
  it('manual refuses and names the command', () => {
    const p = planRejoin('manual', diverged, undefined);
    assert.ok(p.action === 'refuse' && /pgha rewind/.test(p.reason));
  });
  it('rewind: rewinds without fallback; refuses when pg_rewind cannot work', () => {
    assert.deepEqual(planRejoin('rewind', diverged, undefined), { action: 'rewind', fallback: false });
    const p = planRejoin('rewind', diverged, rewindBlocker({ walLogHints: false, dataChecksums: false }));
    assert.ok(p.action === 'refuse' && /nothing was changed/.test(p.reason));
  });
  it('reclone: rewinds with fallback, re-clones directly when pg_rewind cannot work', () => {
    assert.deepEqual(planRejoin('reclone', diverged, undefined), { action: 'rewind', fallback: true });
    assert.equal(planRejoin('reclone', diverged, 'no hints').action, 'reclone');
  });
  it('pg_rewind works with wal_log_hints or checksums', () => {
    assert.equal(rewindBlocker({ walLogHints: true, dataChecksums: false }), undefined);
    assert.equal(rewindBlocker({ walLogHints: false, dataChecksums: true }), undefined);
  });
});

describe('re-clone plan', () => {
  const now = new Date('2026-01-02T03:04:05.678Z');
  const at = '2026-01-02T03-04-05-678Z';
  const rootFs = { id: 1, freeBytes: 17 * GB, totalBytes: 100 * GB };
  const datadir = { label: DATA_DIRECTORY, path: '/var/lib/pg/15/main', empty: false, mountPoint: false, bytes: 10 * GB, uid: 105, gid: 112, fs: rootFs };
  const tablespace = (bytes: number, fs = rootFs) => ({ label: 'tablespace 16385', path: '/srv/ts', empty: bytes === 0, mountPoint: false, bytes, uid: 105, gid: 113, fs });

  it('keeps every old directory aside, next to itself, named after the same time', () => {
    assert.deepEqual(decideReclone([datadir, tablespace(GB / 2)], now), {
      keepAside: true,
      steps: [
        { label: DATA_DIRECTORY, path: '/var/lib/pg/15/main', uid: 105, gid: 112, aside: `/var/lib/pg/15/main.pgha-old-${at}` },
        { label: 'tablespace 16385', path: '/srv/ts', uid: 105, gid: 113, aside: `/srv/ts.pgha-old-${at}` },
      ],
    });
  });
  it('refuses (deleting is not its call) when the new copies, 10% more and the reserve do not fit', () => {
    const d = decideReclone([{ ...datadir, fs: { ...rootFs, freeBytes: 15 * GB } }], now);
    assert.ok(!d.keepAside && /not enough space .*pgha reclone/.test(d.reason));
  });
  it('counts a tablespace on the same file system with the data directory', () => {
    const d = decideReclone([datadir, tablespace(2 * GB)], now);
    assert.ok(!d.keepAside && /data directory \/var\/lib\/pg\/15\/main, tablespace 16385 \/srv\/ts/.test(d.reason));
  });
  it('checks a tablespace on another file system against that one', () => {
    const small = { id: 2, freeBytes: 3 * GB, totalBytes: 20 * GB };
    assert.equal(decideReclone([datadir, tablespace(1 * GB, small)], now).keepAside, true);
    const d = decideReclone([datadir, tablespace(2 * GB, small)], now);
    assert.ok(!d.keepAside && /re-clone the tablespace 16385 \/srv\/ts while/.test(d.reason));
  });
  it('fills an empty tablespace location in place: nothing to keep', () => {
    const d = decideReclone([datadir, tablespace(0)], now);
    assert.ok(d.keepAside);
    assert.equal(d.steps[1]!.aside, undefined);
    assert.deepEqual(keptAside(d.steps).map(describeKept), [`old data directory /var/lib/pg/15/main kept in /var/lib/pg/15/main.pgha-old-${at}`]);
    assert.deepEqual(d.steps.map(describeStep), [
      `would move the data directory /var/lib/pg/15/main aside to /var/lib/pg/15/main.pgha-old-${at} and recreate it empty`,
      'the tablespace 16385 /srv/ts is empty: pg_basebackup fills it in place',
    ]);
  });
  it('puts the old directory next to the data directory', () => {
    assert.equal(asidePath('/var/lib/pg/15/main/', now), `/var/lib/pg/15/main.pgha-old-${at}`);
  });
  it('leaves a tablespace location inside the data directory to go aside with it', () => {
    assert.equal(isWithin('/var/lib/pg/15/main', '/var/lib/pg/15/main/ts'), true);
    assert.equal(isWithin('/var/lib/pg/15/main/', '/var/lib/pg/15/main'), true);
    assert.equal(isWithin('/var/lib/pg/15/main', '/var/lib/pg/15/main2/ts'), false);
  });
  it('refuses a mount point, which cannot be renamed, saying what the DBA should do; an empty one is filled in place', () => {
    const d = decideReclone([datadir, { ...tablespace(GB / 2), mountPoint: true }], now);
    assert.ok(!d.keepAside);
    assert.equal(d.reason, 'the tablespace 16385 /srv/ts is a mount point, which cannot be renamed aside; nothing was changed: move its contents elsewhere yourself (keep them: they are the old tablespace) and leave it empty, then run "pgha reclone"');
    const data = decideReclone([{ ...datadir, mountPoint: true }], now);
    assert.ok(!data.keepAside && /data directory .*mount point.*re-clone it with pg_basebackup$/.test(data.reason));
    assert.equal(decideReclone([datadir, { ...tablespace(0), mountPoint: true }], now).keepAside, true);
  });
  it('reads the mount points of /proc/self/mountinfo, octal escapes decoded', () => {
    const mountinfo = [
      '22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw',
      '36 22 254:16 / /srv/ts rw,relatime shared:2 - xfs /dev/vdb rw',
      '37 22 254:0 /data/x /srv/my\\040ts rw,relatime shared:1 - ext4 /dev/vda rw',
      '',
    ].join('\n');
    assert.deepEqual([...mountPoints(mountinfo)], ['/', '/srv/ts', '/srv/my ts']);
  });
});

describe("pg_rewind's grants (validate-all)", () => {
  it('names what the role cannot run and the GRANTs that fix it', () => {
    const w = missingRewindGrantsWarning('rep"user', ['pg_catalog.pg_ls_dir(text, boolean, boolean)']);
    assert.equal(
      w,
      'pg_rewind from another node connects as rep"user, which cannot run pg_catalog.pg_ls_dir(text, boolean, boolean): a diverged old primary would fail to rewind; on the primary run GRANT EXECUTE ON FUNCTION pg_catalog.pg_ls_dir(text, boolean, boolean) TO "rep""user";',
    );
  });
  it('says nothing when every grant is there', () => assert.equal(missingRewindGrantsWarning('replicator', []), undefined));
});
