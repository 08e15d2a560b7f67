declare const __PGHA_VERSION__: string | undefined;

/** pgha's version: package.json's, set by the build (scripts/build.mjs); the source tree's default when run unbuilt. */
export const PGHA_VERSION = typeof __PGHA_VERSION__ === 'string' ? __PGHA_VERSION__ : '0.1.0';
