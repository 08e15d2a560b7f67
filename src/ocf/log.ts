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

export function makeLogger(tag: string, write: (line: string) => void = (line) => process.stderr.write(`${line}\n`), debug = false): Logger {
  const emit = (level: LogLevel) => (message: string) => write(`${tag}: ${level.toUpperCase()}: ${redactSecrets(message)}`);
  return {
    debug: debug ? emit('debug') : () => {},
    info: emit('info'),
    warning: emit('warning'),
    error: emit('error'),
  };
}

export function exitReasonLine(reason: string, prefix = process.env.OCF_EXIT_REASON_PREFIX || 'ocf-exit-reason:'): string {
  const oneLine = redactSecrets(reason).replace(/\s+/g, ' ').trim();
  return `${prefix}${truncateBytes(oneLine, EXIT_REASON_MAX)}`;
}

/** Pacemaker cuts the reason at 128 bytes, possibly inside a UTF-8 character: cut first, at a character boundary, with ASCII dots. */
function truncateBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let cut = text;
  while (Buffer.byteLength(cut) > maxBytes - 3) cut = cut.slice(0, -1);
  return `${cut}...`;
}

/** Hides password values in conninfo strings, URIs and key=value text. */
export function redactSecrets(text: string): string {
  return text
    .replace(/(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)/gi, '$1********')
    .replace(/(passwd\s*=\s*)(\S+)/gi, '$1********')
    .replace(/(postgres(?:ql)?:\/\/[^:/@\s]+:)([^@\s]+)@/gi, '$1********@');
}
