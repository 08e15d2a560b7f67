import type { OptionRegistry, ParsedOptions } from '../options/option-spec.js';
import { ACTION_ALIASES, TARGETED_ACTIONS, type FenceActionName } from '../options/standard-options.js';
import type { RawOptions } from './parse-stdin.js';

export interface ResolvedInput<R extends OptionRegistry> {
  action: FenceActionName;
  options: ParsedOptions<R>;
  /** The plug to act on: `plug`/`port`, else the `nodename` the fencer sent. */
  target: string | undefined;
  /** Option names that were given explicitly (not defaulted). */
  given: ReadonlySet<string>;
}

export class InvalidOptions extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('; '));
    this.name = 'InvalidOptions';
  }
}

/**
 * Applies defaults and each option's schema, then the per-action required
 * check. Every problem names the option; a secret's value is never quoted.
 */
export function resolveOptions<R extends OptionRegistry>(
  raw: RawOptions,
  registry: R,
): ResolvedInput<R> {
  const problems: string[] = [];
  const parsed: Record<string, unknown> = {};
  const rawAction = raw.values.action;
  const values: Record<string, string> = { ...raw.values, ...(rawAction !== undefined ? { action: ACTION_ALIASES[rawAction.trim()] ?? rawAction.trim() } : {}) };
  for (const [name, option] of Object.entries(registry as OptionRegistry)) {
    const value = values[name] ?? option.default;
    const result = option.schema.safeParse(value);
    if (result.success) parsed[name] = result.data;
    else problems.push(option.secret ? `${name}: invalid value` : `${name}: ${result.error.issues.map((i) => i.message).join(', ')}`);
  }
  const action = (parsed.action ?? 'reboot') as FenceActionName;
  const target = nonEmpty(values.plug) ?? nonEmpty(values.nodename);
  for (const [name, option] of Object.entries(registry as OptionRegistry)) {
    const neededBy = option.requiredFor ?? (option.required ? ALL_BUT_DOCS : []);
    const present = name === 'plug' ? target !== undefined : nonEmpty(values[name] ?? option.default) !== undefined;
    if (!present && neededBy.includes(action)) problems.push(`${name} is required for action ${action}`);
  }
  if (problems.length > 0) throw new InvalidOptions(problems);
  return { action, options: parsed as ParsedOptions<R>, target, given: new Set(Object.keys(raw.values)) };
}

const ALL_BUT_DOCS = [...TARGETED_ACTIONS, 'list', 'list-status', 'monitor', 'validate-all'];

const nonEmpty = (value: string | undefined) => (value !== undefined && value.trim() !== '' ? value.trim() : undefined);
