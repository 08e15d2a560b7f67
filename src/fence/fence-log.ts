import { cleanLine, redactSecrets, type Logger } from '../ocf/log.js';

export interface FenceLogSettings {
  tag: string;
  write: (line: string) => void;
  verbose: boolean;
  quiet: boolean;
  /** Values to hide wherever they appear (the agent's password-type options). */
  secrets: readonly string[];
}

const MASK = '********';

/** Replaces every occurrence of each secret value, then the usual password=… patterns. */
export function redactValues(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of [...secrets].filter((s) => s.length > 0).sort((a, b) => b.length - a.length)) out = out.split(secret).join(MASK);
  return redactSecrets(out);
}

/**
 * Agent logging to stderr (pacemaker-fenced copies it into its log). Errors
 * always print; `quiet` hides info and warnings; `verbose` adds debug.
 */
export function makeFenceLogger(settings: FenceLogSettings): Logger {
  const emit = (level: string) => (message: string) => settings.write(cleanLine(`${settings.tag}: ${level}: ${redactValues(message, settings.secrets)}`));
  const silent = () => {};
  return {
    debug: settings.verbose ? emit('DEBUG') : silent,
    info: settings.quiet ? silent : emit('INFO'),
    warning: settings.quiet ? silent : emit('WARNING'),
    error: emit('ERROR'),
  };
}
