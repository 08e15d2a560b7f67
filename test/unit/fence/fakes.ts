import type { Clock, PowerDriver, PowerStatus } from '../../../src/fence/driver.ts';
import type { Logger } from '../../../src/ocf/log.ts';

/** A clock whose sleep advances time instantly. */
export function fakeClock(start = 1_000_000): Clock & { slept: number[] } {
  let now = start;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

export interface FakeDriver extends PowerDriver {
  plugs: Map<string, PowerStatus>;
  calls: string[];
}

/**
 * An in-memory power switch. `offTakesPolls` status reads before an off shows;
 * `neverOff` models a device that accepts the command but never powers down;
 * `failOn` makes power-on throw.
 */
export function fakeDriver(initial: Record<string, PowerStatus>, behaviour: { neverOff?: boolean; offTakesPolls?: number; failOn?: boolean; statusThrows?: boolean } = {}): FakeDriver {
  const plugs = new Map(Object.entries(initial));
  const calls: string[] = [];
  let pendingOff: { plug: string; polls: number } | undefined;
  const check = (plug: string) => {
    if (!plugs.has(plug)) throw new Error(`unknown plug ${plug}`);
  };
  return {
    plugs,
    calls,
    status: async (plug) => {
      calls.push(`status ${plug}`);
      if (behaviour.statusThrows) throw new Error('device unreachable');
      check(plug);
      if (pendingOff?.plug === plug && --pendingOff.polls <= 0) {
        plugs.set(plug, 'off');
        pendingOff = undefined;
      }
      return plugs.get(plug)!;
    },
    off: async (plug) => {
      calls.push(`off ${plug}`);
      check(plug);
      if (behaviour.neverOff) return;
      if (behaviour.offTakesPolls) pendingOff = { plug, polls: behaviour.offTakesPolls };
      else plugs.set(plug, 'off');
    },
    on: async (plug) => {
      calls.push(`on ${plug}`);
      check(plug);
      if (behaviour.failOn) throw new Error('power supply failure');
      plugs.set(plug, 'on');
    },
    list: async () => {
      calls.push('list');
      return [...plugs.keys()].map((plug) => ({ plug }));
    },
  };
}

export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (level: string) => (message: string) => lines.push(`${level}: ${message}`);
  return { lines, debug: push('debug'), info: push('info'), warning: push('warning'), error: push('error') };
}
