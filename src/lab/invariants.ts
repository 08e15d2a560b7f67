/**
 * The lab's safety invariants, judged from what an observer independent of
 * Pacemaker saw (invariant-monitor.ts): each node's PostgreSQL asked directly
 * every 100 ms, and which nodes hold the VIP. Pure: no I/O.
 */

/** One direct look at one node's PostgreSQL (printed by invariant-child.ts, one JSON line each). */
export interface NodeSample {
  node: string;
  /** Client clock (the lab's namespaces share the host's clock), ms. */
  start: number;
  end: number;
  /** ack: a token committed; refused: read-only (a standby); down: no answer, an error, a timeout. */
  kind: 'ack' | 'refused' | 'down';
  /** ack: the token's row number, and the server's clock when it was inserted (ms). */
  n?: number;
  at?: number;
  /** Standbys streaming from this node (its pg_stat_replication), when it answered. */
  senders?: string[];
  /** refused: the node is in recovery (a standby), not merely read-only. */
  inRecovery?: boolean;
  error?: string;
}

/** Which nodes held the VIP at one moment (read from each node's local routes). */
export interface VipSample {
  at: number;
  holders: string[];
}

export interface Violation {
  kind: 'two-writable' | 'vip-on-two' | 'cascading' | 'lost-acknowledged';
  at: number;
  detail: string;
}

/** A stretch in which a node acknowledged every direct write it was sent: server times of its first and last. */
export interface WritableRun {
  node: string;
  from: number;
  to: number;
  acks: number;
}

/**
 * Each node's runs of consecutive acknowledged tokens: any sample that is not
 * an acknowledgement (refused, no answer) ends a run.
 */
export function writableRuns(samples: readonly NodeSample[]): WritableRun[] {
  const runs: WritableRun[] = [];
  const open = new Map<string, WritableRun>();
  for (const s of [...samples].sort((a, b) => a.start - b.start)) {
    const run = open.get(s.node);
    if (s.kind !== 'ack' || s.at === undefined) {
      open.delete(s.node);
      continue;
    }
    if (run) {
      run.to = Math.max(run.to, s.at);
      run.acks += 1;
    } else {
      const fresh = { node: s.node, from: s.at, to: s.at, acks: 1 };
      open.set(s.node, fresh);
      runs.push(fresh);
    }
  }
  return runs;
}

/** Two nodes acknowledging writes in overlapping intervals: a split brain. */
export function overlappingWrites(samples: readonly NodeSample[]): Violation[] {
  const runs = writableRuns(samples).sort((a, b) => a.from - b.from);
  const found: Violation[] = [];
  for (let i = 0; i < runs.length; i++) {
    for (let j = i + 1; j < runs.length && runs[j]!.from <= runs[i]!.to; j++) {
      const [a, b] = [runs[i]!, runs[j]!];
      if (a.node === b.node) continue;
      found.push({ kind: 'two-writable', at: b.from, detail: `${a.node} acknowledged writes from ${iso(a.from)} to ${iso(a.to)} (${a.acks}), ${b.node} from ${iso(b.from)} to ${iso(b.to)} (${b.acks})` });
    }
  }
  return found;
}

/** The VIP on two nodes at once. */
export function vipOnTwo(samples: readonly VipSample[]): Violation[] {
  return samples.filter((s) => s.holders.length > 1).map((s) => ({ kind: 'vip-on-two' as const, at: s.at, detail: `the VIP is on ${s.holders.join(' and ')}` }));
}

/**
 * How long standbys may keep following a node after another became primary.
 * In a switchover or an in-place recovery they reconnect through the VIP,
 * which stays on the demoted node until the promotion is done, and follow the
 * new primary once it moves (2-3 s in the lab, more under load): harmless, the
 * demoted node's history is the new primary's. Following a node for longer is
 * what a standby stuck on a diverged or isolated node does.
 */
export const CASCADE_GRACE_MS = 15_000;

/**
 * A standby streaming from a node that is not the primary while another node
 * is: a node in recovery with standbys streaming from it (both read in one
 * query, so never skewed) at a moment inside another node's run of
 * acknowledged writes that began more than CASCADE_GRACE_MS before. A sender
 * that is itself that primary is a walsender row not yet gone from the old
 * node's view, not a standby. With no primary anywhere (a primary demoted and
 * promoted again in place, the VIP left on it), following it is harmless.
 */
export function cascading(samples: readonly NodeSample[]): Violation[] {
  const runs = writableRuns(samples);
  const primaryElsewhere = (s: NodeSample) => runs.find((r) => r.node !== s.node && r.from + CASCADE_GRACE_MS <= s.end && s.start <= r.to);
  return samples.flatMap((s) => {
    if (s.inRecovery !== true) return [];
    const primary = primaryElsewhere(s);
    const followers = (s.senders ?? []).filter((node) => node !== primary?.node);
    return primary && followers.length > 0
      ? [{ kind: 'cascading' as const, at: s.start, detail: `${followers.join(', ')} stream from ${s.node}, a standby, while ${primary.node} is primary` }]
      : [];
  });
}

/** Every violation the samples show (durability is checked separately, against the final primary's rows). */
export function invariantViolations(nodes: readonly NodeSample[], vip: readonly VipSample[]): Violation[] {
  return [...overlappingWrites(nodes), ...vipOnTwo(vip), ...cascading(nodes)].sort((a, b) => a.at - b.at);
}

/**
 * The local addresses of a network namespace, from its /proc/PID/net/fib_trie:
 * each address leaf with a "/32 host LOCAL" entry. An address on an interface
 * that is down has no local route: it answers nobody, so it is not held.
 */
export function localAddresses(fibTrie: string): Set<string> {
  const found = new Set<string>();
  let leaf: string | undefined;
  for (const line of fibTrie.split('\n')) {
    const address = /\|--\s+(\d+\.\d+\.\d+\.\d+)/.exec(line);
    if (address) leaf = address[1];
    else if (leaf && /^\s*\/32 host LOCAL/.test(line)) found.add(leaf);
  }
  return found;
}

const iso = (ms: number) => new Date(ms).toISOString().slice(11, 23);

/** A violation for people: when and what. */
export const describeViolation = (v: Violation) => `${iso(v.at)} ${v.kind}: ${v.detail}`;
