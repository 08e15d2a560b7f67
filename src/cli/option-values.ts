import { InvalidArgumentError } from 'commander';

// Parsers of flag values: a bad value is commander's usage error, worded once here.

/** Seconds from `min` to `max`; `whole`: an integer number of them. */
export const secondsBetween =
  (min: number, max: number, whole = false) =>
  (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max || (whole && !Number.isInteger(n))) {
      throw new InvalidArgumentError(`expected ${whole ? 'whole ' : ''}seconds between ${min} and ${max}`);
    }
    return n;
  };

/** A count of bytes or similar: a whole number, zero allowed. */
export const nonNegativeInteger =
  (what: string) =>
  (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`expected a non-negative integer (${what})`);
    return n;
  };

/**
 * A cluster node's name as Pacemaker and corosync take it (a host name: letters, digits, dots,
 * dashes, underscores), so that no flag carries a control character or a path into a command.
 */
export function nodeName(value: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/.test(value)) throw new InvalidArgumentError('expected a node name (letters, digits, ".", "-", "_")');
  return value;
}
