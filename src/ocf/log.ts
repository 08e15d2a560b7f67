/**
 * Agent logging. Pacemaker's executor copies an agent's stderr into the
 * cluster log, so stderr is where messages go; the exit reason is the last
 * stderr line with the OCF_EXIT_REASON_PREFIX, cut to 128 characters by Pacemaker.
 */
export type LogLevel = 'debug' | 'info' | 'warning' | 'error';

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
}

const EXIT_REASON_MAX = 128;
/** A log line longer than this is cut: a 100 kB parameter value must not make a 100 kB cluster log line. */
export const LOG_LINE_MAX = 2_048;

const CONTROL_CHARACTERS = /[\x00-\x1f\x7f-\x9f\u2028\u2029]/g;

/**
 * The one cleaning every line pgha prints passes through: secrets redacted,
 * control characters (ESC, CR, NUL...) turned into spaces, so that no value
 * can forge a log line or an exit reason, whitespace runs folded, then cut to
 * `maxBytes` at a character boundary.
 */
export function cleanLine(text: string, maxBytes = LOG_LINE_MAX): string {
  // Redacted first: a secret's pattern may span what becomes spaces.
  const oneLine = redactSecrets(text).replace(CONTROL_CHARACTERS, ' ').replace(/\s+/g, ' ').trim();
  return truncateBytes(oneLine, maxBytes);
}

/**
 * Laid-out text for a terminal (a table, indented notes): each line's secrets redacted and its
 * control characters made spaces, one for one, so a value from the cluster can neither
 * drive the terminal nor shift a column; nothing is folded.
 */
export const cleanOutput = (text: string) => text.split('\n').map((line) => redactSecrets(line).replace(CONTROL_CHARACTERS, ' ')).join('\n');

/** Text of several lines, each cleaned on its own (secrets, control characters, length), its indentation kept. */
export const cleanLines = (text: string) => text.split('\n').map((line) => `${/^ */.exec(line)![0]}${cleanLine(line)}`).join('\n');

/** A value quoted in a message (an invalid parameter): cleaned and cut short, whatever its size. */
export const quoteValue = (value: string, max = 40) => `"${cleanLine(value, max)}"`;

export function makeLogger(tag: string, write: (line: string) => void = (line) => process.stderr.write(`${line}\n`), debug = false): Logger {
  const emit = (level: LogLevel) => (message: string) => write(cleanLine(`${tag}: ${level.toUpperCase()}: ${message}`));
  return {
    debug: debug ? emit('debug') : () => {},
    info: emit('info'),
    warning: emit('warning'),
    error: emit('error'),
  };
}

export function exitReasonLine(reason: string, prefix = process.env.OCF_EXIT_REASON_PREFIX || 'ocf-exit-reason:'): string {
  return `${prefix}${cleanLine(reason, EXIT_REASON_MAX)}`;
}

/** Pacemaker cuts the reason at 128 bytes, possibly inside a UTF-8 character: cut first, at a character boundary, with ASCII dots. */
function truncateBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  // A character is at least one byte: no more characters than bytes can fit.
  let cut = text.slice(0, maxBytes);
  while (Buffer.byteLength(cut) > maxBytes - 3) cut = cut.slice(0, -1);
  return `${cut}...`;
}

/**
 * Hides password values in conninfo strings (password=..., quoted or not),
 * URIs (postgresql://user:secret@, postgresql://:secret@), key=value and
 * key: value text, and "password secret" lines (fence stdin without "=").
 */
export function redactSecrets(text: string): string {
  return text
    .replace(/((?:password|passwd|passphrase)"?\s*[=:]\s*)('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|\S+)/gi, '$1********')
    .replace(/^(\s*(?:password|passwd|passphrase|secret|token)\s+)(\S+)/gim, '$1********')
    .replace(/(postgres(?:ql)?:\/\/[^:/@\s]*:)([^@\s]+)@/gi, '$1********@');
}
