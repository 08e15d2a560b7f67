/** PostgreSQL WAL positions ("X/Y" hex), as exact bigints. */
export type Lsn = bigint;

const LSN_TEXT = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/;

export function parseLsn(text: string): Lsn {
  const match = LSN_TEXT.exec(text.trim());
  if (!match) throw new Error(`not an LSN: "${text}"`);
  return (BigInt(`0x${match[1]}`) << 32n) | BigInt(`0x${match[2]}`);
}

/** Bytes from `behind` to `ahead` (never negative: a standby can briefly look ahead of an earlier primary reading). */
export function lsnDiff(ahead: string, behind: string): number {
  const diff = parseLsn(ahead) - parseLsn(behind);
  return diff > 0n ? Number(diff) : 0;
}

export function tryParseLsn(text: string | null | undefined): Lsn | undefined {
  if (text === null || text === undefined || !LSN_TEXT.test(text.trim())) return undefined;
  return parseLsn(text);
}

export function formatLsn(lsn: Lsn): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}

export const maxLsn = (...values: (Lsn | undefined)[]): Lsn | undefined =>
  values.reduce<Lsn | undefined>((best, v) => (v !== undefined && (best === undefined || v > best) ? v : best), undefined);

/** A WAL position on a timeline: what the election compares. */
export interface WalPosition {
  timeline: number;
  lsn: Lsn;
}

/** Orders positions: a higher timeline wins, then a higher LSN. */
export function compareWalPositions(a: WalPosition, b: WalPosition): number {
  if (a.timeline !== b.timeline) return a.timeline - b.timeline;
  return a.lsn === b.lsn ? 0 : a.lsn > b.lsn ? 1 : -1;
}

export const formatWalPosition = (p: WalPosition) => `${p.timeline}#${formatLsn(p.lsn)}`;

export function parseWalPosition(text: string): WalPosition | undefined {
  const match = /^(\d+)#(.+)$/.exec(text.trim());
  if (!match) return undefined;
  const lsn = tryParseLsn(match[2]);
  return lsn === undefined ? undefined : { timeline: Number(match[1]), lsn };
}
