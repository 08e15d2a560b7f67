import type { WriteEvent } from '../src/lab/writer.js';

/** Successful writes per second, in 1-second bins from `fromS` to `toS` seconds around the fault. */
export function writesPerSecond(events: readonly WriteEvent[], faultAt: number, fromS: number, toS: number): number[] {
  const bins = new Array(toS - fromS).fill(0) as number[];
  for (const e of events) {
    if (!e.ok) continue;
    const bin = Math.floor((e.end - faultAt) / 1000) - fromS;
    if (bin >= 0 && bin < bins.length) bins[bin]! += 1;
  }
  return bins;
}

export interface Series {
  label: string;
  color: string;
  values: number[];
}

/** A small self-contained SVG line chart: writes/s against seconds from the fault. */
export function lineChart(title: string, fromS: number, series: readonly Series[]): string {
  const width = 720;
  const height = 300;
  const pad = { left: 50, right: 20, top: 30, bottom: 40 };
  const n = Math.max(...series.map((s) => s.values.length));
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const x = (i: number) => pad.left + (i / Math.max(1, n - 1)) * (width - pad.left - pad.right);
  const y = (v: number) => height - pad.bottom - (v / max) * (height - pad.top - pad.bottom);
  const zero = x(-fromS);
  const ticks = Array.from({ length: n }, (_, i) => i).filter((i) => (i + fromS) % 5 === 0);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="13">${title}</text>`,
    `<line x1="${pad.left}" y1="${height - pad.bottom}" x2="${width - pad.right}" y2="${height - pad.bottom}" stroke="#333"/>`,
    `<line x1="${pad.left}" y1="${pad.top}" x2="${pad.left}" y2="${height - pad.bottom}" stroke="#333"/>`,
    `<line x1="${zero}" y1="${pad.top}" x2="${zero}" y2="${height - pad.bottom}" stroke="#c00" stroke-dasharray="4 3"/>`,
    `<text x="${zero + 4}" y="${pad.top + 10}" fill="#c00">fault</text>`,
    ...ticks.map((i) => `<text x="${x(i)}" y="${height - pad.bottom + 15}" text-anchor="middle">${i + fromS}s</text>`),
    `<text x="12" y="${height / 2}" transform="rotate(-90 12 ${height / 2})" text-anchor="middle">successful writes/s</text>`,
    `<text x="${pad.left - 6}" y="${y(max) + 4}" text-anchor="end">${max}</text>`,
    `<text x="${pad.left - 6}" y="${y(0) + 4}" text-anchor="end">0</text>`,
    ...series.map((s) => `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>`),
    ...series.map((s, k) => `<text x="${width - pad.right - 150}" y="${pad.top + 14 * (k + 1)}" fill="${s.color}">— ${s.label}</text>`),
    '</svg>',
    '',
  ].join('\n');
}
