import { existsSync } from 'node:fs';
import * as z from 'zod/mini';
import { instanceFileName } from '../ocf/environment.js';
import { configError } from '../ocf/exit-codes.js';
import { quoteValue } from '../ocf/log.js';
import { dataDirectoryMajor } from '../pg/server-version.js';
import {
  absolutePath,
  anyText,
  integerText,
  nonEmptyText,
  oneOf,
  optionalAbsolutePath,
  registrySchema,
  type ParameterDeclaration,
} from '../ocf/parameter-schema.js';
import { REJOIN_PARAMETERS, rejoinParams } from '../rejoin/params.js';

/** pg_ctl puts bindir, pgdata and the log file in double quotes of a /bin/sh -c command: none of what a shell sees there. */
const isShellInert = (v: string) => !/["$`\\\x00-\x1f\x7f]/.test(v);
const NOT_SHELL_INERT = 'must not contain control characters, double quotes, "$", "`" or backslashes';
const shellInert =
  (path: (name: string) => z.ZodMiniString) =>
  (name: string) =>
    path(name).check(z.refine(isShellInert, { error: `${name} ${NOT_SHELL_INERT}` }));

export const SYNC_MODES = ['off', 'quorum', 'strict'] as const;

/**
 * The agent's instance parameters, each declared once: the meta-data, the defaults and the
 * validation come from here. PAF's names and meanings are kept so a PAF user switches by
 * changing only the agent name.
 */
export const PARAMETERS = [
  {
    name: 'bindir',
    shortdesc: 'Directory of the PostgreSQL binaries',
    longdesc:
      'Directory holding pg_ctl, postgres and pg_controldata. Empty: /usr/lib/postgresql/<major>/bin for the major version in PG_VERSION when it exists (Debian), else /usr/bin.',
    type: 'string',
    default: '',
    schema: shellInert(optionalAbsolutePath),
  },
  {
    name: 'pgdata',
    shortdesc: 'PGDATA (configuration directory)',
    longdesc: 'Directory given to pg_ctl -D: the data directory, or the configuration directory when configuration lives elsewhere (Debian: /etc/postgresql/<major>/<cluster>).',
    type: 'string',
    default: '/var/lib/pgsql/data',
    schema: shellInert(absolutePath),
  },
  {
    name: 'datadir',
    shortdesc: 'Data directory (data_directory)',
    longdesc: 'The data directory itself, when it differs from pgdata (Debian: /var/lib/postgresql/<major>/<cluster>). Empty: same as pgdata.',
    type: 'string',
    default: '',
    schema: shellInert(optionalAbsolutePath),
  },
  {
    name: 'pghost',
    shortdesc: 'Socket directory or host of the local instance',
    longdesc: 'Where the agent connects to the local instance: a Unix socket directory (peer authentication as system_user) or a host name.',
    type: 'string',
    default: '/var/run/postgresql',
    schema: nonEmptyText,
  },
  { name: 'pgport', shortdesc: 'Port of the local instance', longdesc: 'TCP port (or socket suffix) of the local instance.', type: 'integer', default: '5432', schema: integerText(1, 65535) },
  {
    name: 'system_user',
    shortdesc: 'OS user owning the instance',
    longdesc: 'PostgreSQL commands run as this user; SQL over the socket authenticates as this user.',
    type: 'string',
    default: 'postgres',
    schema: (name) =>
      z.string().check(
        z.regex(/^[a-z_][a-z0-9_.-]{0,31}\$?$/i, { error: `${name} must be a valid user name` }),
        z.refine((v) => v !== 'root', { error: `${name} must not be root: PostgreSQL refuses to run as root` }),
      ),
  },
  {
    name: 'start_opts',
    shortdesc: 'Extra options for the postmaster',
    longdesc: 'Passed to pg_ctl start -o, e.g. "-c config_file=/etc/postgresql/15/main/postgresql.conf".',
    type: 'string',
    default: '',
    schema: anyText,
  },
  {
    name: 'maxlag',
    shortdesc: 'Maximum lag (bytes) of a promotable standby',
    longdesc:
      'A standby whose flushed WAL is more than this many bytes behind the primary gets a negative promotion score and is not chosen in asynchronous replication. 0 disables the limit.',
    type: 'integer',
    default: '0',
    reloadable: true,
    schema: integerText(0, Number.MAX_SAFE_INTEGER),
  },
  {
    name: 'sync_mode',
    shortdesc: 'Synchronous replication managed by the agent',
    longdesc:
      'off: the agent leaves synchronous_standby_names alone. quorum: the primary keeps synchronous_standby_names = ANY sync_count (the healthy standbys) and drops a dead standby so writes continue; with no standby left, writes continue asynchronously only once corosync would have noticed a partition and reports quorum, so a primary cut off from the majority never acknowledges a commit alone. strict: every standby of the cluster stays in the set, so writes wait rather than risk losing an acknowledged commit. In both modes the set is published in the CIB before PostgreSQL relies on it, and only its members can be promoted.',
    type: 'select',
    options: SYNC_MODES,
    default: 'off',
    reloadable: true,
    schema: oneOf(SYNC_MODES),
  },
  {
    name: 'sync_count',
    shortdesc: 'Standbys that must acknowledge each commit',
    longdesc: 'The k of ANY k (...) when sync_mode is quorum or strict.',
    type: 'integer',
    default: '1',
    reloadable: true,
    schema: integerText(1, 64),
  },
  {
    name: 'logfile',
    shortdesc: 'PostgreSQL server log for pg_ctl -l',
    longdesc: 'File receiving the postmaster output (stderr logging). Empty: /var/log/postgresql/pgha-<resource>.log when /var/log/postgresql exists, else /dev/null.',
    type: 'string',
    default: '',
    schema: shellInert(optionalAbsolutePath),
  },
  ...REJOIN_PARAMETERS,
] as const satisfies readonly ParameterDeclaration[];

const RawParams = registrySchema(PARAMETERS);

export type AgentParams = ReturnType<typeof parseParams>;

/** The registry's defaults applied, then the schema; an invalid value is OCF_ERR_CONFIGURED naming the parameter. */
function validate<Schema extends z.ZodMiniType>(schema: Schema, raw: Record<string, string>): z.output<Schema> {
  const withDefaults = Object.fromEntries(PARAMETERS.map((p) => [p.name, raw[p.name] ?? p.default]));
  const parsed = schema.safeParse(withDefaults);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? '');
    throw configError(`parameter ${name}=${quoteValue(withDefaults[name] ?? '')} is invalid: ${issue.message}`);
  }
  return parsed.data;
}

/** Reads OCF_RESKEY_* values (defaults applied); an invalid value is OCF_ERR_CONFIGURED naming the parameter. */
export function parseParams(raw: Record<string, string>, instance: string) {
  const p = validate(RawParams, raw);
  const datadir = p.datadir || p.pgdata;
  return {
    bindir: p.bindir || defaultBindir(datadir),
    pgdata: p.pgdata,
    datadir,
    pghost: p.pghost,
    pgport: p.pgport,
    systemUser: p.system_user,
    startOptions: p.start_opts,
    maxlag: BigInt(p.maxlag),
    syncMode: p.sync_mode,
    syncCount: p.sync_count,
    logfile: p.logfile || (existsSync('/var/log/postgresql') ? `/var/log/postgresql/pgha-${instanceFileName(instance)}.log` : '/dev/null'),
    rejoin: rejoinParams(p),
  };
}

/**
 * The data directory the raw parameters name, read on its own for a stop whose other parameters
 * do not parse; undefined when datadir/pgdata themselves are not absolute paths.
 */
export function dataDirectoryOf(raw: Record<string, string>): string | undefined {
  // Only absolute: a path pg_ctl could not be given may still hold a PostgreSQL started some other way.
  const datadir = raw.datadir || (raw.pgdata ?? PARAMETERS.find((p) => p.name === 'pgdata')!.default);
  return datadir.startsWith('/') ? datadir : undefined;
}

/** Parameter names the agent does not know, each with the known name it most likely stands for. */
export function unknownParameters(raw: Record<string, string>): string[] {
  const known = PARAMETERS.map((p) => p.name);
  return Object.keys(raw)
    .filter((name) => !(known as readonly string[]).includes(name))
    .map((name) => {
      if (name.length > 64) return quoteValue(name);
      const closest = known.reduce((best, candidate) => (editDistance(name, candidate) < editDistance(name, best) ? candidate : best));
      return `${quoteValue(name)}${editDistance(name, closest) <= Math.max(2, closest.length / 3) ? ` (did you mean ${closest}?)` : ''}`;
    });
}

/** Levenshtein distance, for "did you mean". */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

const SyncRawParams = z.pick(RawParams, { sync_mode: true, sync_count: true });

/**
 * sync_mode and sync_count of a resource's instance attributes, read as the agent reads them,
 * for `pgha status`, which has the CIB but no OCF environment (parseParams would look at files).
 */
export function syncParams(raw: Record<string, string>): Pick<AgentParams, 'syncMode' | 'syncCount'> {
  const p = validate(SyncRawParams, raw);
  return { syncMode: p.sync_mode, syncCount: p.sync_count };
}

function defaultBindir(datadir: string): string {
  // No readable PG_VERSION: validation reports the data directory itself.
  const major = dataDirectoryMajor(datadir);
  const debian = `/usr/lib/postgresql/${major}/bin`;
  return major !== undefined && existsSync(`${debian}/pg_ctl`) ? debian : '/usr/bin';
}
