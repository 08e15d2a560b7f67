/** Pacemaker's INFINITY (CRM_SCORE_INFINITY): scores and fail counts are clamped to ±1,000,000. */
export const SCORE_INFINITY = 1_000_000;

/** A score or fail count as Pacemaker writes it (INFINITY, +INFINITY, -INFINITY or an integer); undefined when it is neither. */
export function parseScore(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^[+-]?INFINITY$/i.test(trimmed)) return trimmed.startsWith('-') ? -SCORE_INFINITY : SCORE_INFINITY;
  if (!/^[+-]?\d+$/.test(trimmed)) return undefined;
  return Math.max(-SCORE_INFINITY, Math.min(SCORE_INFINITY, Number.parseInt(trimmed, 10)));
}
