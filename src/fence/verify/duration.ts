const UNIT_MS: Record<string, number> = {
  ms: 1, msec: 1,
  '': 1_000, s: 1_000, sec: 1_000,
  m: 60_000, min: 60_000,
  h: 3_600_000, hr: 3_600_000,
};

/**
 * A Pacemaker duration ("60", "60s", "500ms", "2min", "1h", ISO 8601 "PT1M30S")
 * in milliseconds; undefined when it is not one.
 */
export function parseDurationMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim().toLowerCase();
  const plain = /^(-?\d+(?:\.\d+)?)\s*([a-z]*)$/.exec(text);
  if (plain) {
    const factor = UNIT_MS[plain[2]!];
    return factor === undefined ? undefined : Number(plain[1]) * factor;
  }
  const iso = /^pt(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(text);
  if (iso && text !== 'pt') return (Number(iso[1] ?? 0) * 3600 + Number(iso[2] ?? 0) * 60 + Number(iso[3] ?? 0)) * 1_000;
  return undefined;
}

export const formatSeconds = (ms: number): string => `${Number((ms / 1000).toFixed(1))}s`;
