import { cleanLine } from '../../ocf/log.js';

/** Plain-text columns, padded to the widest cell, two spaces apart; no trailing spaces. Each cell is one cleaned line. */
export function renderTable(headers: readonly string[], dirtyRows: readonly (readonly string[])[]): string {
  const rows = dirtyRows.map((row) => row.map((cell) => cleanLine(cell)));
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return `${[line(headers), ...rows.map(line)].join('\n')}\n`;
}

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
