import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseLsn } from '../../../src/pg/lsn.js';
import { buildManifest, decideEvidenceCopy, evidenceFiles, reserveBytes } from '../../../src/rejoin/evidence-plan.js';
import { planRejoin, rewindBlocker } from '../../../src/rejoin/policy.js';
import { asidePath, decideReclone } from '../../../src/rejoin/reclone-plan.js';

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

describe('re-clone space decision', () => {
  it('keeps the old directory aside when a new copy, 10% more and the reserve fit', () => {
    assert.deepEqual(decideReclone({ datadirBytes: 10 * GB, freeBytes: 17 * GB, totalBytes: 100 * GB }), { keepAside: true });
  });
  it('refuses (deleting is not its call) when they do not', () => {
    const d = decideReclone({ datadirBytes: 10 * GB, freeBytes: 15 * GB, totalBytes: 100 * GB });
    assert.ok(!d.keepAside && /pgha reclone/.test(d.reason));
  });
  it('puts the old directory next to the data directory', () => {
    assert.equal(asidePath('/var/lib/pg/15/main/', new Date('2026-01-02T03:04:05.678Z')), '/var/lib/pg/15/main.pgha-old-2026-01-02T03-04-05-678Z');
  });
});
