/** The wall-clock instant by which the current action must have answered. */
export class Deadline {
  constructor(readonly endsAt: number) {}

  /** A deadline `timeoutMs` from now, keeping `marginMs` in reserve to exit cleanly. */
  static after(timeoutMs: number, marginMs = 0): Deadline {
    return new Deadline(Date.now() + Math.max(0, timeoutMs - marginMs));
  }

  static never(): Deadline {
    return new Deadline(Number.POSITIVE_INFINITY);
  }

  remainingMs(): number {
    return this.endsAt - Date.now();
  }

  expired(): boolean {
    return this.remainingMs() <= 0;
  }

  /** A shorter deadline: the earlier of this one and `ms` from now. */
  within(ms: number): Deadline {
    return new Deadline(Math.min(this.endsAt, Date.now() + ms));
  }

  /** A deadline that keeps `ms` of this one in reserve for what comes after. */
  reserving(ms: number): Deadline {
    return new Deadline(this.endsAt - ms);
  }
}

export class DeadlineExceeded extends Error {
  constructor(what: string) {
    super(`${what}: out of time before the action's deadline`);
    this.name = 'DeadlineExceeded';
  }
}

/** Polls `probe` every `intervalMs` until it returns a value other than undefined, or the deadline passes. */
export async function pollUntil<T>(
  deadline: Deadline,
  intervalMs: number,
  probe: () => Promise<T | undefined>,
): Promise<T | undefined> {
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    const wait = Math.min(intervalMs, deadline.remainingMs());
    if (wait <= 0) return undefined;
    await sleep(wait);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
