/**
 * Quotes one argument as a POSIX shell word. pgha never runs a shell itself:
 * this is for commands shown to humans, and for pg_ctl, which hands
 * postgres's options to /bin/sh -c (each word quoted here reaches postgres
 * as exactly that word, "$(...)" and all).
 */
export function shellQuote(arg: string): string {
  if (arg !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}
