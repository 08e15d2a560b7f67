/**
 * libpq connection strings, keyword=value form (values may be single-quoted
 * with backslash escapes) or postgresql:// URIs. Used to read primary_conninfo.
 */
export function parseConninfo(text: string): Map<string, string> {
  const trimmed = text.trim();
  if (/^postgres(ql)?:\/\//i.test(trimmed)) return parseUri(trimmed);
  const values = new Map<string, string>();
  const pattern = /\s*([A-Za-z_]+)\s*=\s*('((?:[^'\\]|\\.)*)'|[^\s']*)/gy;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(trimmed)) !== null && match[0] !== '') {
    const value = match[3] !== undefined ? match[3].replace(/\\(.)/g, '$1') : match[2]!;
    values.set(match[1]!, value);
  }
  return values;
}

function parseUri(text: string): Map<string, string> {
  const values = new Map<string, string>();
  const url = new URL(text.replace(/^postgres(ql)?:/i, 'http:'));
  if (url.hostname) values.set('host', decodeURIComponent(url.hostname));
  if (url.port) values.set('port', url.port);
  if (url.username) values.set('user', decodeURIComponent(url.username));
  if (url.password) values.set('password', decodeURIComponent(url.password));
  if (url.pathname.length > 1) values.set('dbname', decodeURIComponent(url.pathname.slice(1)));
  for (const [key, value] of url.searchParams) values.set(key, value);
  return values;
}
