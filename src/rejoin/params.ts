import * as z from 'zod/mini';
import { absolutePath, oneOf, type ParameterDeclaration } from '../ocf/parameter-schema.js';

export const REJOIN_POLICIES = ['rewind', 'reclone', 'manual'] as const;
export type RejoinPolicy = (typeof REJOIN_POLICIES)[number];

/** The agent parameters of the rejoin of a diverged old primary (spread into the agent's registry). */
export const REJOIN_PARAMETERS = [
  {
    name: 'rejoin',
    shortdesc: 'What start does with a diverged old primary',
    longdesc:
      'When the primary named by primary_conninfo is reachable and the local history forked from it (an old primary after a failover): rewind runs pg_rewind and starts streaming, refusing when it cannot (no wal_log_hints nor data checksums, WAL missing on the source); reclone rewinds when it can and otherwise re-clones with pg_basebackup, keeping the node-local configuration and the old data directory and tablespaces aside; manual refuses to start and names the command to run (pgha rewind). The discarded WAL is always copied to rewind_archive_dir first.',
    type: 'select',
    options: REJOIN_POLICIES,
    default: 'rewind',
    reloadable: true,
    schema: oneOf(REJOIN_POLICIES),
  },
  {
    name: 'rewind_archive_dir',
    shortdesc: 'Where the WAL discarded by a rejoin is kept',
    longdesc: 'Before a rewind or re-clone, the WAL segments written after the fork point are copied here, one directory per rejoin with a manifest.json, for inspection with pg_waldump.',
    type: 'string',
    default: '/var/lib/pgha/rewind-archive',
    reloadable: true,
    schema: absolutePath,
  },
  {
    name: 'rewind_archive_max_mb',
    shortdesc: 'Size limit of rewind_archive_dir (MB)',
    longdesc: 'Past this size (or when its file system would keep less than 5% free), the WAL is not copied and the manifest says so; the rejoin goes on.',
    type: 'integer',
    default: '1024',
    reloadable: true,
    schema: (name) => z.string().check(z.regex(/^\d{1,7}$/, { error: `${name} must be a whole number of MB` })),
  },
] as const satisfies readonly ParameterDeclaration[];

export interface RejoinParams {
  policy: RejoinPolicy;
  archiveDir: string;
  archiveMaxBytes: number;
}

export function rejoinParams(p: { rejoin: RejoinPolicy; rewind_archive_dir: string; rewind_archive_max_mb: string }): RejoinParams {
  return { policy: p.rejoin, archiveDir: p.rewind_archive_dir, archiveMaxBytes: Number(p.rewind_archive_max_mb) * 1024 * 1024 };
}
