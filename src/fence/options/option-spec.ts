import { quoteValue } from '../../ocf/log.js';
import { z } from 'zod';

/** The `content type` values of the fence-agents metadata schema. */
export type ContentType = 'string' | 'boolean' | 'integer' | 'second' | 'select';

/**
 * One agent option, declared once: its zod schema parses the raw string (or
 * its absence), and the same record drives stdin and argv parsing, metadata,
 * the man page, defaults and log redaction.
 */
export interface FenceOption<T = unknown> {
  contentType: ContentType;
  /** Parses the raw value; `undefined` when the option was not given and has no default. */
  schema: z.ZodType<T>;
  shortdesc: string;
  /** Longer text for the man page; shortdesc when absent. */
  longdesc?: string;
  /** Single-letter command-line flag (`-n`). */
  short?: string;
  /** Long command-line flag without dashes; the option name with `_` → `-` when absent. */
  long?: string;
  /** Placeholder shown in `--flag=[value]`; absent for flags without a value (booleans). */
  valueName?: string;
  /** Default, as the raw string it would arrive as. Never set for secrets. */
  default?: string;
  /** Advertised as required="1"; enforced for actions that target a plug (see `requiredFor`). */
  required?: boolean;
  /** Actions for which a missing value is an error; every action except metadata and manpage when absent. */
  requiredFor?: readonly string[];
  /** A password or key: its value never appears in output, logs, errors or documentation. */
  secret?: boolean;
  choices?: readonly string[];
  /** Other names accepted on stdin and as long flags, advertised as deprecated parameters (`port` for `plug`). */
  aliases?: readonly string[];
  /** Other names accepted but not advertised (`option` for `action`). */
  quietAliases?: readonly string[];
  deprecated?: boolean;
  obsoletes?: string;
  /** Position in metadata and man page; lower first, then by name. */
  order?: number;
}

export type OptionRegistry = Record<string, FenceOption>;

/** The typed options an agent receives: each option's schema output. */
export type ParsedOptions<R extends OptionRegistry> = { readonly [K in keyof R]: R[K] extends FenceOption<infer T> ? T : never };

type Doc = Omit<FenceOption, 'contentType' | 'schema' | 'default' | 'choices' | 'secret'>;

const TRUE_WORDS = ['1', 'yes', 'on', 'true', 'y'];
const FALSE_WORDS = ['0', 'no', 'off', 'false', 'n'];

/** A free-form string option; `default` makes it always present. */
export function stringOption(doc: Doc & { default: string }): FenceOption<string>;
export function stringOption(doc: Doc & { required: true }): FenceOption<string>;
export function stringOption(doc: Doc): FenceOption<string | undefined>;
export function stringOption(doc: Doc & { default?: string }): FenceOption<string | undefined> {
  return { contentType: 'string', valueName: 'value', ...doc, schema: z.string().optional() };
}

/** A password or key. No default, never echoed; type string in metadata. */
export function secretOption(doc: Doc): FenceOption<string | undefined> {
  return { contentType: 'string', valueName: 'password', ...doc, secret: true, schema: z.string().optional() };
}

/** A non-negative number of seconds (fractions allowed). */
export function secondsOption(doc: Doc & { default: string }): FenceOption<number> {
  const schema = z.string({ error: 'a number of seconds is required' }).transform((raw, ctx) => {
    const value = Number(raw.trim().replace(/s$/i, ''));
    if (raw.trim() === '' || !Number.isFinite(value) || value < 0) {
      ctx.addIssue({ code: 'custom', message: `expected a number of seconds, got ${quoteValue(raw)}` });
      return z.NEVER;
    }
    return value;
  });
  return { contentType: 'second', valueName: 'seconds', ...doc, schema };
}

/** A whole number within optional bounds. */
export function integerOption(doc: Doc & { default: string; min?: number }): FenceOption<number> {
  const { min, ...rest } = doc;
  const schema = z.string({ error: 'an integer is required' }).transform((raw, ctx) => {
    const value = Number(raw.trim());
    if (!/^-?\d+$/.test(raw.trim()) || (min !== undefined && value < min)) {
      ctx.addIssue({ code: 'custom', message: `expected an integer${min !== undefined ? ` >= ${min}` : ''}, got ${quoteValue(raw)}` });
      return z.NEVER;
    }
    return value;
  });
  return { contentType: 'integer', valueName: 'count', ...rest, schema };
}

/** A yes/no flag: given alone on the command line it means yes; stdin takes 1/yes/on/true or 0/no/off/false. */
export function booleanOption(doc: Omit<Doc, 'valueName'> & { default?: 'yes' | 'no' }): FenceOption<boolean> {
  const fallback = doc.default === 'yes';
  const schema = z.string().optional().transform((raw, ctx) => {
    if (raw === undefined) return fallback;
    const word = raw.trim().toLowerCase();
    if (TRUE_WORDS.includes(word)) return true;
    if (FALSE_WORDS.includes(word)) return false;
    ctx.addIssue({ code: 'custom', message: `expected yes/no (1/0, on/off, true/false), got ${quoteValue(raw)}` });
    return z.NEVER;
  });
  const { default: _ignored, ...rest } = doc;
  return { contentType: 'boolean', ...rest, schema };
}

/** One of a fixed set of words. */
export function selectOption<const C extends readonly [string, ...string[]]>(doc: Doc & { choices: C; default: C[number] }): FenceOption<C[number]> {
  const schema = z.string().transform((raw, ctx) => {
    const value = raw.trim();
    if ((doc.choices as readonly string[]).includes(value)) return value as C[number];
    ctx.addIssue({ code: 'custom', message: `expected one of ${doc.choices.join(', ')}, got ${quoteValue(raw)}` });
    return z.NEVER;
  });
  return { contentType: 'select', valueName: 'value', ...doc, schema };
}

/** The long command-line flag of an option. */
export const longFlag = (name: string, option: FenceOption): string => option.long ?? name.replace(/_/g, '-');

/** Options in documentation order. */
export function orderedOptions(registry: OptionRegistry): [string, FenceOption][] {
  return Object.entries(registry).sort(([a, x], [b, y]) => (x.order ?? 100) - (y.order ?? 100) || a.localeCompare(b));
}
