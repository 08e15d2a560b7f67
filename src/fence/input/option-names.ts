import { longFlag, type OptionRegistry } from '../options/option-spec.js';

/** Keys the fencer may send that no agent has to declare: the target's node name and id. */
export const PASSTHROUGH_KEYS = ['nodename', 'nodeid'] as const;

const normalize = (key: string) => key.trim().toLowerCase().replace(/-/g, '_');

/**
 * Maps every accepted spelling (name, long flag, aliases; `-` and `_` alike)
 * to the option's registry name.
 */
export function makeNameResolver(registry: OptionRegistry): (key: string) => string | undefined {
  const names = new Map<string, string>();
  for (const [name, option] of Object.entries(registry)) {
    names.set(normalize(name), name);
    names.set(normalize(longFlag(name, option)), name);
    for (const alias of [...(option.aliases ?? []), ...(option.quietAliases ?? [])]) names.set(normalize(alias), name);
  }
  for (const key of PASSTHROUGH_KEYS) if (!names.has(key)) names.set(key, key);
  return (key) => names.get(normalize(key));
}
