// zod/mini: the same validation at a fraction of the load time every agent action pays.
import * as z from 'zod/mini';
import type { ParameterSpec } from './metadata.js';

/** A schema for one parameter's raw text, built with the parameter's name for its messages. */
export type RawSchema = (name: string) => z.ZodMiniType;

/** One agent parameter, declared once: its meta-data, its default and the check its raw text must pass. */
export interface ParameterDeclaration extends ParameterSpec {
  default: string;
  schema: RawSchema;
}

export const anyText = () => z.string();
export const nonEmptyText = (name: string) => z.string().check(z.minLength(1, { error: `${name} must not be empty` }));
export const absolutePath = (name: string) => z.string().check(z.refine((v) => v.startsWith('/'), { error: `${name} must be an absolute path` }));
export const optionalAbsolutePath = (name: string) =>
  z.string().check(z.refine((v) => v === '' || v.startsWith('/'), { error: `${name} must be empty or an absolute path` }));

export const integerText =
  (min: number, max: number) =>
  (name: string) =>
    z.pipe(
      z.string().check(
        z.regex(/^\d+$/, { error: `${name} must be a whole number` }),
        z.refine((v) => Number(v) >= min && Number(v) <= max, { error: `${name} must be between ${min} and ${max}` }),
      ),
      z.transform(Number),
    );

/** One of a select parameter's options ("must be a, b or c"). */
export const oneOf =
  <const Options extends readonly [string, ...string[]]>(options: Options) =>
  (name: string) =>
    z.enum(options, { error: `${name} must be ${options.slice(0, -1).join(', ')} or ${options.at(-1)}` });

type RawShape<P extends readonly ParameterDeclaration[]> = { [E in P[number] as E['name']]: ReturnType<E['schema']> };

/** The object schema of a whole registry: each declared parameter by its name. */
export function registrySchema<const P extends readonly ParameterDeclaration[]>(parameters: P) {
  return z.object(Object.fromEntries(parameters.map((p) => [p.name, p.schema(p.name)])) as RawShape<P>);
}
