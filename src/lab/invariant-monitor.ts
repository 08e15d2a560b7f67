import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { invariantViolations, localAddresses, type NodeSample, type VipSample, type Violation } from './invariants.js';
import { launchStreaming } from './launcher.js';
import { CLIENT_NETNS, VIP } from './layout.js';
import { WRITES_TABLE } from './postgres-setup.js';
import { isAlive } from './proc.js';
import { readHolderRef, requireLabState } from './state.js';
import type { WriteEvent } from './writer.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const MONITOR_INTERVAL_MS = 100;

/**
 * The lab's split-brain oracle, independent of Pacemaker: a child in the
 * client namespace looks at each node's PostgreSQL at its own address every
 * 100 ms and commits a token on every node that accepts writes
 * (invariant-child.ts), while this side reads every 100 ms which nodes hold
 * the VIP. violations() judges both with invariants.ts; tokens() gives the
 * acknowledged tokens, for a test to check they survived its fault.
 */
export class InvariantMonitor {
  readonly samples: NodeSample[] = [];
  /** Only the moments the VIP was on more than one node (a sample a tick would be all but these). */
  private readonly vipConflicts: VipSample[] = [];
  private vipLooks = 0;
  private lookingAtVip = false;
  private stopped = false;

  private constructor(
    private readonly child: ReturnType<typeof launchStreaming>,
    private readonly nodes: readonly string[],
    private readonly vipTimer: NodeJS.Timeout,
  ) {}

  static async start(): Promise<InvariantMonitor> {
    const state = await requireLabState();
    const targets = state.nodes.map((n) => `${n.name}=${n.ip}`);
    const first = Date.now() * 1000;
    const script = resolve(REPO_ROOT, 'src', 'lab', 'invariant-child.ts');
    const child = launchStreaming('ip', ['netns', 'exec', CLIENT_NETNS, process.execPath, '--import', 'tsx', script, WRITES_TABLE, String(first), String(MONITOR_INTERVAL_MS), ...targets], REPO_ROOT);
    let monitor: InvariantMonitor | undefined;
    const vipTimer = setInterval(() => void monitor?.lookAtVip(), MONITOR_INTERVAL_MS);
    monitor = new InvariantMonitor(child, state.nodes.map((n) => n.name), vipTimer);
    const m = monitor;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        m.samples.push(JSON.parse(line) as NodeSample);
      } catch {
        // not a sample line
      }
    });
    return monitor;
  }

  /** Violations seen so far (at or after `since`, ms). */
  violations(since = 0): Violation[] {
    return invariantViolations(this.samples, this.vipConflicts).filter((v) => v.at >= since);
  }

  /** Tokens acknowledged between `from` and `to` (client clock), as writes a test checks against the final primary. */
  tokens(from: number, to = Number.POSITIVE_INFINITY): WriteEvent[] {
    return this.samples.filter((s) => s.kind === 'ack' && s.n !== undefined && s.start >= from && s.end <= to).map((s) => ({ n: s.n!, ok: true, start: s.start, end: s.end }));
  }

  /** How much it saw: samples per kind and node, and VIP looks, for a log line. */
  summary(): string {
    const counts = new Map<string, number>();
    for (const s of this.samples) counts.set(`${s.node} ${s.kind}`, (counts.get(`${s.node} ${s.kind}`) ?? 0) + 1);
    return `${[...counts].sort().map(([k, v]) => `${k} ${v}`).join(', ')}; VIP read ${this.vipLooks} times`;
  }

  /** Stops looking; returns every violation seen. */
  async stop(): Promise<Violation[]> {
    if (!this.stopped) {
      this.stopped = true;
      clearInterval(this.vipTimer);
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 3_000);
      await this.child;
      clearTimeout(timer);
    }
    return this.violations();
  }

  private async lookAtVip(): Promise<void> {
    if (this.lookingAtVip) return;
    this.lookingAtVip = true;
    try {
      const at = Date.now();
      const held = await Promise.all(this.nodes.map((node) => holdsVip(node)));
      const holders = this.nodes.filter((_, i) => held[i]);
      this.vipLooks += 1;
      if (holders.length > 1) this.vipConflicts.push({ at, holders });
    } finally {
      this.lookingAtVip = false;
    }
  }
}

/**
 * Whether a powered-on node has the VIP as a local address, read from its
 * namespace holder's /proc/PID/net/fib_trie: no process enters the node (one
 * would count as the node being powered on). A node powered off holds nothing.
 */
export async function holdsVip(node: string): Promise<boolean> {
  const ref = await readHolderRef(node).catch(() => undefined);
  if (!ref || !(await isAlive(ref))) return false;
  const trie = await readFile(`/proc/${ref.pid}/net/fib_trie`, 'utf8').catch(() => '');
  return localAddresses(trie).has(VIP);
}
