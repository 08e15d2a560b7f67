import type { OptionRegistry } from '../options/option-spec.js';
import { makeNameResolver } from './option-names.js';

/** Raw option values by registry name, before the schemas parse them. */
export interface RawOptions {
  values: Record<string, string>;
  /** Problems worth a log line that do not stop the agent. */
  warnings: string[];
}

/**
 * Parses what pacemaker-fenced writes on stdin: `key=value` lines, `#`
 * comments and blank lines skipped, surrounding double quotes stripped,
 * `-` and `_` alike, aliases folded, the last occurrence winning. Unknown
 * keys are warned about by name only (their value may be a secret).
 */
export function parseStdinOptions(text: string, registry: OptionRegistry): RawOptions {
  const resolve = makeNameResolver(registry);
  const values: Record<string, string> = {};
  const warnings: string[] = [];
  for (const [index, rawLine] of text.split(/\r?\n/).entries()) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    // A line without "=" may be "password S3cret": only its first word is ever named.
    const key = (eq < 0 ? line.split(/\s/)[0]! : line.slice(0, eq)).trim();
    const value = eq < 0 ? '' : line.slice(eq + 1).replace(/^"(.*)"$/, '$1');
    const name = resolve(key);
    if (name === undefined && eq < 0) {
      // Maybe a pasted password: the line is not even partly echoed.
      warnings.push(`ignoring stdin line ${index + 1}: no "=" and no option name`);
      continue;
    }
    if (name === undefined) {
      warnings.push(`ignoring unknown option "${safeKey(key)}" (stdin line ${index + 1})`);
      continue;
    }
    if (eq < 0) {
      warnings.push(`ignoring option "${name}" without a value (stdin line ${index + 1})`);
      continue;
    }
    values[name] = value;
  }
  return { values, warnings };
}

/** Keys are echoed in warnings; keep them short and printable. */
export const safeKey = (key: string) => key.replace(/[^\w.-]/g, '?').slice(0, 64);
