import { longFlag, type OptionRegistry } from '../options/option-spec.js';
import { makeNameResolver } from './option-names.js';
import { safeKey, type RawOptions } from './parse-stdin.js';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Parses fencing.py-style command-line flags: `-o off -n node1`, `-ooff`,
 * clustered boolean flags (`-vq`), `--plug=node1` or `--plug node1`, and any
 * alias as a long flag (`--port`). A flag given twice keeps the last value.
 */
export function parseArgvOptions(argv: readonly string[], registry: OptionRegistry): RawOptions {
  const resolve = makeNameResolver(registry);
  const byShort = new Map(Object.entries(registry).flatMap(([name, o]) => (o.short ? [[o.short, name] as const] : [])));
  const takesValue = (name: string) => registry[name] === undefined || registry[name].contentType !== 'boolean';
  const values: Record<string, string> = {};
  const warnings: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = () => {
      const value = argv[++i];
      if (value === undefined) throw new UsageError(`option ${arg} needs a value`);
      return value;
    };
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const key = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      const name = resolve(key);
      if (name === undefined) throw new UsageError(`unknown option --${safeKey(key)}`);
      values[name] = eq >= 0 ? arg.slice(eq + 1) : takesValue(name) ? next() : '1';
    } else if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const name = byShort.get(arg[j]!);
        if (name === undefined) throw new UsageError(`unknown option -${safeKey(arg[j]!)}`);
        if (!takesValue(name)) {
          values[name] = '1';
          continue;
        }
        values[name] = j + 1 < arg.length ? arg.slice(j + 1) : next();
        break;
      }
    } else {
      throw new UsageError(`unexpected argument "${safeKey(arg)}": options are given as flags (-o ACTION -n PLUG)`);
    }
  }
  for (const [name, option] of Object.entries(registry)) {
    if (option.secret && values[name] !== undefined) {
      warnings.push(`--${longFlag(name, option)} on the command line is visible to every user of this host; pass it on stdin instead`);
    }
  }
  return { values, warnings };
}
