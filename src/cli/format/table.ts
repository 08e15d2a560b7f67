import { cleanLine } from '../../ocf/log.js';

/** A table no wider than `maxWidth`, made so by shortening the cells of the `shrink` columns, in that order (never below a header). */
export interface TableFit {
  maxWidth: number;
  shrink: readonly number[];
}

const GAP = 2;

/**
 * Plain-text columns, padded to the widest cell, two spaces apart; no trailing
 * spaces. Each cell is one cleaned line; with `fit`, cells of the columns it
 * names end in "…" where the table would be wider than a terminal.
 */
export function renderTable(headers: readonly string[], dirtyRows: readonly (readonly string[])[], fit?: TableFit): string {
  let rows = dirtyRows.map((row) => row.map((cell) => cleanLine(cell)));
  const widthsOf = () => headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  let widths = widthsOf();
  for (const column of fit?.shrink ?? []) {
    const excess = widths.reduce((sum, w) => sum + w, 0) + GAP * (headers.length - 1) - fit!.maxWidth;
    if (excess <= 0) break;
    const room = Math.max(headers[column]!.length, widths[column]! - excess);
    rows = rows.map((r) => r.map((cell, i) => (i === column ? shorten(cell, room) : cell)));
    widths = widthsOf();
  }
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' '.repeat(GAP)).trimEnd();
  return `${[line(headers), ...rows.map(line)].join('\n')}\n`;
}

const shorten = (text: string, width: number) => (text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`);

/** 1536 → "1.5 KiB"; below 1 KiB, plain bytes. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}
