/** The power state of one plug, as a driver reads it. */
export type PowerStatus = 'on' | 'off';

/** One entry of a device's plug list. */
export interface PlugEntry {
  plug: string;
  alias?: string;
  /** When the listing already knows it; `list-status` asks `status()` otherwise. */
  status?: PowerStatus;
}

/**
 * What a fence agent supplies: four operations on its device. Each throws on
 * failure (device unreachable, unknown plug); `on` and `off` only need to
 * *request* the change, the framework verifies it by polling `status`.
 */
export interface PowerDriver {
  status(plug: string): Promise<PowerStatus>;
  on(plug: string): Promise<void>;
  off(plug: string): Promise<void>;
  list(): Promise<PlugEntry[]>;
  /** Extra checks for validate-all beyond option parsing (device reachable, files present). */
  validate?(): Promise<void>;
}

/** Wall clock and sleep, injected so action semantics run instantly under test. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
