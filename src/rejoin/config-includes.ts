import { dirname, isAbsolute, join, normalize } from 'node:path';

/**
 * Which files make up a PostgreSQL configuration, found the way the server
 * finds them: `include`, `include_if_exists` and `include_dir` in
 * postgresql.conf-style files (guc-file.l's lexer), the same three directives
 * and `@file` references in pg_hba.conf/pg_ident.conf (hba.c's tokenizer).
 */

export type IncludeKind = 'include' | 'include_if_exists' | 'include_dir';
export interface Include {
  kind: IncludeKind;
  path: string;
}
/** postgresql.conf and postgresql.auto.conf are `server` files; pg_hba.conf and pg_ident.conf are `auth` files. */
export type ConfigSyntax = 'server' | 'auth';

const KINDS: readonly string[] = ['include', 'include_if_exists', 'include_dir'];
/** CONF_FILE_MAX_DEPTH: deeper nesting is an error for the server (and ends a cycle). */
export const MAX_INCLUDE_DEPTH = 10;

// guc-file.l: LETTER [A-Za-z_\200-\377], ID {LETTER}{LETTER_OR_DIGIT}*, QUALIFIED_ID {ID}.{ID}.
const ID = '[A-Za-z_\\u0080-\\uffff][A-Za-z0-9_\\u0080-\\uffff]*';
const NAME = new RegExp(`^${ID}(?:\\.${ID})?`);
const QUOTED = /^'((?:[^'\\\n]|\\.|'')*)'/;
// UNQUOTED_STRING {LETTER}({LETTER_OR_DIGIT}|[-._:/])*, and the numeric forms (never a file name).
const UNQUOTED = /^(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff\-.:/]*|[-+]?[0-9.][0-9A-Za-z.+-]*)/;

/** DeescapeQuotedString: '' is a quote; \b \f \n \r \t, up to three octal digits, any other escaped character itself. */
export function unquoteServerString(body: string): string {
  const escapes: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
  return body.replace(/''|\\([0-7]{1,3}|[\s\S])/g, (_match, escaped: string | undefined) => {
    if (escaped === undefined) return "'";
    if (/^[0-7]/.test(escaped)) return String.fromCharCode(Number.parseInt(escaped, 8));
    return escapes[escaped] ?? escaped;
  });
}

/** One `name [=] value` line, or undefined for a blank, comment or malformed line (the server refuses those itself). */
function serverAssignment(line: string): { name: string; value: string } | undefined {
  let rest = line.replace(/^[ \t\r\f]+/, '');
  const name = NAME.exec(rest)?.[0];
  if (name === undefined) return undefined;
  rest = rest.slice(name.length).replace(/^[ \t\r\f]*(=[ \t\r\f]*)?/, '');
  const quoted = QUOTED.exec(rest);
  const unquoted = quoted ? undefined : UNQUOTED.exec(rest);
  const token = quoted?.[0] ?? unquoted?.[0];
  if (token === undefined) return undefined;
  if (!/^[ \t\r\f]*(#.*)?$/.test(rest.slice(token.length))) return undefined;
  return { name, value: quoted ? unquoteServerString(quoted[1]!) : token };
}

/** The include directives of a postgresql.conf-style file, in order (names compare case-insensitively, as guc_name_compare). */
export function serverConfigIncludes(text: string): Include[] {
  const includes: Include[] = [];
  for (const line of text.split('\n')) {
    const assignment = serverAssignment(line);
    const kind = assignment?.name.toLowerCase();
    if (assignment && kind !== undefined && KINDS.includes(kind) && assignment.value !== '') includes.push({ kind: kind as IncludeKind, path: assignment.value });
  }
  return includes;
}

/** hba.c's next_token: fields split at blanks and commas outside double quotes, `#` starts a comment; `quoted` when a field starts with a quote. */
function authTokens(line: string): { text: string; quoted: boolean }[] {
  const tokens: { text: string; quoted: boolean }[] = [];
  let text = '';
  let quoted = false;
  let inQuote = false;
  let started = false;
  const end = () => {
    if (started) tokens.push({ text, quoted });
    text = '';
    quoted = false;
    started = false;
  };
  for (const ch of line) {
    if (inQuote) {
      if (ch === '"') inQuote = false;
      else text += ch;
    } else if (ch === '#') break;
    else if (ch === '"') [inQuote, quoted, started] = [true, quoted || !started, true];
    else if (/[ \t\r\f,]/.test(ch)) end();
    else [text, started] = [text + ch, true];
  }
  end();
  return tokens;
}

/**
 * The files a pg_hba.conf/pg_ident.conf-style file reads: the include
 * directives (PostgreSQL 16+) and `@file` lists (missing ones read as empty,
 * so they count as include_if_exists). A backslash at the end of a line continues it.
 */
export function authConfigIncludes(text: string): Include[] {
  const includes: Include[] = [];
  for (const line of text.replace(/\\\r?\n/g, '').split('\n')) {
    const [first, second, ...rest] = authTokens(line);
    if (first && !first.quoted && KINDS.includes(first.text) && second) {
      includes.push({ kind: first.text as IncludeKind, path: second.text });
      continue;
    }
    for (const token of [first, second, ...rest]) {
      if (token && !token.quoted && token.text.startsWith('@') && token.text.length > 1) includes.push({ kind: 'include_if_exists', path: token.text.slice(1) });
    }
  }
  return includes;
}

/** AbsoluteConfigLocation: a relative path is relative to the directory of the file that names it. */
export const includeLocation = (path: string, includingFile: string) => normalize(isAbsolute(path) ? path : join(dirname(includingFile), path));

/** GetConfFilesInDir: the names ending in .conf, not starting with a dot, in strcmp (C locale) order. */
export const includedDirectoryFiles = (names: readonly string[]) =>
  names.filter((n) => n.endsWith('.conf') && !n.startsWith('.')).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));

/** Reads the file system for the walk: undefined for what does not exist (or is not a regular file / directory). */
export interface ConfigReader {
  readFile(path: string): Promise<string | undefined>;
  /** The names of the regular files in a directory (the server skips subdirectories). */
  listFiles(dir: string): Promise<string[] | undefined>;
}

export interface ConfigFile {
  path: string;
  syntax: ConfigSyntax;
}

export interface ConfigSources {
  /** Every file read, each once, in the order the server reads them first. */
  files: ConfigFile[];
  /** What the server would refuse: a missing include, a missing include_dir, too deep a nesting. */
  problems: string[];
}

/** Every file the server reads starting from `roots` (each read as its syntax; a missing root is skipped). */
export async function resolveConfigSources(roots: readonly ConfigFile[], reader: ConfigReader): Promise<ConfigSources> {
  const files = new Map<string, ConfigFile>();
  const problems: string[] = [];
  const visit = async (file: ConfigFile, depth: number, required: boolean): Promise<void> => {
    if (depth > MAX_INCLUDE_DEPTH) return void problems.push(`${file.path}: nested too deeply (more than ${MAX_INCLUDE_DEPTH} levels; an include cycle?)`);
    const text = await reader.readFile(file.path);
    if (text === undefined) return void (required && problems.push(`${file.path} does not exist`));
    if (!files.has(file.path)) files.set(file.path, file);
    const includes = file.syntax === 'server' ? serverConfigIncludes(text) : authConfigIncludes(text);
    for (const include of includes) {
      const location = includeLocation(include.path, file.path);
      if (include.kind !== 'include_dir') {
        await visit({ path: location, syntax: file.syntax }, depth + 1, include.kind === 'include');
        continue;
      }
      const names = await reader.listFiles(location);
      if (names === undefined) problems.push(`${location} (include_dir in ${file.path}) is not a directory`);
      for (const name of includedDirectoryFiles(names ?? [])) await visit({ path: join(location, name), syntax: file.syntax }, depth + 1, true);
    }
  };
  for (const root of roots) await visit(root, 0, false);
  return { files: [...files.values()], problems };
}
