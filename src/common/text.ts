// Small text helpers that several layers need.

/**
 * Pacemaker's true words (crm_is_true: true, on, yes, y, 1, any case): how a cluster option, a
 * meta attribute or a fence option set "yes" reads everywhere in pgha.
 */
export const isTrue = (value: string | undefined): boolean => /^(true|yes|on|y|1)$/i.test((value ?? '').trim());

/** Pacemaker's false words (false, off, no, n, 0, any case): an unset option is neither true nor false. */
export const isFalse = (value: string | undefined): boolean => /^(false|no|off|n|0)$/i.test((value ?? '').trim());

/** The first non-blank line of a command's output, trimmed: what an error message quotes. */
export const firstLine = (text: string): string => text.split('\n').find((line) => line.trim() !== '')?.trim() ?? '';

/** What a caught value says: an Error's message, anything else as text. */
export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));
