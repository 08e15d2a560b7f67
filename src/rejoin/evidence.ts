import { mkdir, readdir, statfs } from 'node:fs/promises';
import { copyFileSafely, makeDirectorySafely, openDirectory, writeInDirectory } from '../fs/safe-file.js';
import { join } from 'node:path';
import { treeBytes } from './tree-bytes.js';
import { listWalSegments, walSegmentSize } from '../pg/wal-files.js';
import { buildManifest, decideEvidenceCopy, evidenceFiles, type EvidenceFacts, type Manifest } from './evidence-plan.js';


export interface EvidenceTarget {
  datadir: string;
  node: string;
  archiveDir: string;
  archiveMaxBytes: number;
}


/**
 * Keeps the WAL the old primary wrote after the fork point, with a manifest,
 * in <archiveDir>/<node>-<time>/ before a rewind or re-clone discards it.
 * Copying is skipped, with the warning in the manifest, past the archive's
 * size limit or when the file system would run short; the manifest is always written.
 */
export async function archiveDivergedWal(target: EvidenceTarget, facts: EvidenceFacts, now = new Date()): Promise<{ path: string; manifest: Manifest }> {
  const segmentSize = (await walSegmentSize(target.datadir)) ?? 16n * 1024n * 1024n;
  const walDir = join(target.datadir, 'pg_wal');
  const files = evidenceFiles(await readdir(walDir), segmentSize, facts.local, facts.fork);
  const sizes = new Map((await listWalSegments(target.datadir)).map((f) => [f.name, f.bytes]));
  const neededBytes = files.reduce((sum, name) => sum + (sizes.get(name) ?? 4096), 0);
  await mkdir(target.archiveDir, { recursive: true, mode: 0o750 });
  const fs = await statfs(target.archiveDir);
  const decision = decideEvidenceCopy({
    neededBytes,
    archiveBytes: await treeBytes(target.archiveDir),
    maxBytes: target.archiveMaxBytes,
    freeBytes: Number(fs.bavail) * Number(fs.bsize),
    totalBytes: Number(fs.blocks) * Number(fs.bsize),
  });
  const path = join(target.archiveDir, `${target.node}-${now.toISOString().replace(/[:.]/g, '-')}`);
  // Root copies files the server's user controls: never through a link, into a directory it just made, through its descriptor.
  await makeDirectorySafely(path, 0o750);
  const directory = await openDirectory(path, { noFollow: true });
  try {
    if (decision.copy) for (const name of files) await copyFileSafely(join(walDir, name), directory, name);
    const manifest = buildManifest({ ...facts, node: target.node, now, files, decision, archivePath: path });
    await writeInDirectory(directory, 'manifest.json', `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o640, owner: 'caller', replace: false });
    return { path, manifest };
  } finally {
    await directory.close();
  }
}
