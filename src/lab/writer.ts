import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { launchStreaming } from './launcher.js';
import { CLIENT_NETNS, PG_PORT, VIP } from './layout.js';
import { WRITES_TABLE } from './postgres-setup.js';

/**
 * The test/benchmark writer: a child process in the client namespace inserts
 * numbered rows through the VIP; this side records every attempt, so tests can
 * check that no acknowledged row is missing and measure write unavailability.
 */
export interface WriteEvent {
  n: number;
  ok: boolean;
  /** Wall-clock ms when the attempt started / ended. */
  start: number;
  end: number;
  error?: string;
}

export interface WriterOptions {
  /** First row number (use a distinct range per run: rows accumulate in one table). */
  first: number;
  pauseMs?: number;
}

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export class LabWriter {
  readonly events: WriteEvent[] = [];
  private constructor(private readonly child: ReturnType<typeof launchStreaming>) {}

  static start(options: WriterOptions): LabWriter {
    const script = resolve(REPO_ROOT, 'src', 'lab', 'writer-child.ts');
    const child = launchStreaming(
      'ip',
      ['netns', 'exec', CLIENT_NETNS, process.execPath, '--import', 'tsx', script, VIP, String(PG_PORT), WRITES_TABLE, String(options.first), String(options.pauseMs ?? 20)],
      REPO_ROOT,
    );
    const writer = new LabWriter(child);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        writer.events.push(JSON.parse(line) as WriteEvent);
      } catch {
        // not an event line
      }
    });
    return writer;
  }

  /** Stops the writer (SIGTERM, then SIGKILL after 3 s) and returns every attempt. */
  async stop(): Promise<WriteEvent[]> {
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3_000);
    await this.child;
    clearTimeout(timer);
    return this.events;
  }

  acknowledged(): number[] {
    return this.events.filter((e) => e.ok).map((e) => e.n);
  }

  /** Resolves once `count` more writes have succeeded after now, or rejects after `timeoutMs`. */
  async waitForSuccesses(count: number, timeoutMs: number): Promise<void> {
    const since = Date.now();
    if (!(await this.waitForAttempts((e) => e.ok && e.start >= since, count, timeoutMs))) {
      throw new Error(`writes did not succeed within ${timeoutMs / 1000}s (last attempt: ${JSON.stringify(this.events.at(-1))})`);
    }
  }

  /** Whether a write failed after now (one in flight counts), within `timeoutMs`: a fault's outage has begun. */
  waitForFailure(timeoutMs: number): Promise<boolean> {
    const since = Date.now();
    return this.waitForAttempts((e) => !e.ok && e.end >= since, 1, timeoutMs);
  }

  private async waitForAttempts(matches: (e: WriteEvent) => boolean, count: number, timeoutMs: number): Promise<boolean> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if (this.events.filter(matches).length >= count) return true;
      if (this.child.exitCode !== null) throw new Error('the writer exited');
      await new Promise((r) => setTimeout(r, 100));
    }
    return false;
  }
}

/**
 * Write unavailability caused by a fault at `from`: the longest stretch
 * between two consecutive acknowledged writes that ends after the fault
 * (a backend orphaned by a killed postmaster may still acknowledge a few
 * writes before the outage really starts). Undefined when no write was
 * acknowledged after the fault.
 */
export function writeOutageMs(events: readonly WriteEvent[], from: number): number | undefined {
  const oks = events.filter((e) => e.ok).map((e) => e.end).sort((a, b) => a - b);
  let longest: number | undefined;
  for (let i = 0; i < oks.length; i += 1) {
    if (oks[i]! <= from) continue;
    const gap = oks[i]! - (i > 0 ? oks[i - 1]! : from);
    longest = Math.max(longest ?? 0, gap);
  }
  return longest;
}

/** Acknowledged rows missing from `present`. */
export function missingAcknowledged(events: readonly WriteEvent[], present: ReadonlySet<number>): WriteEvent[] {
  return events.filter((e) => e.ok && !present.has(e.n));
}
