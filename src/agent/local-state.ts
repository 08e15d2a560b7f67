import { mkdir, readFile } from 'node:fs/promises';
import { writeFileSafely } from '../fs/safe-file.js';
import { instanceFileName } from '../ocf/environment.js';
import type { PendingRedirect } from '../election/redirect-residue.js';
import type { NotStreaming } from '../rejoin/divergence.js';

/**
 * What one agent process leaves for the next on this node, in /run (tmpfs:
 * gone at reboot, like the transient attributes it mirrors): scores already
 * written, so a steady-state monitor starts no crm_attribute at all; when
 * standbys went missing; the cluster's node list from the last notification.
 */
export interface LocalState {
  /** node -> [score, written at ms] */
  scores: Record<string, [number, number]>;
  missingSince: Record<string, number>;
  nodes: string[];
  /** Every node that has run an instance (the standbys strict synchronous mode waits for). */
  instanceNodes: string[];
  /** When this node last became primary (ms), for the synchronous set's reconnect grace. */
  promotedAt?: number;
  /** The nodes running an instance when this node was promoted (undefined: not known, promoted by hand). */
  runningAtPromotion?: string[];
  /** The published synchronous set ("k:a,b@T") as last read or written, with when (ms). */
  publishedSet?: [string, number];
  /** This standby has streamed since PostgreSQL last started here (a failover, not a cluster start). */
  streamedSinceStart?: boolean;
  /** This node came back as a former primary, its history unchecked: its WAL may hold what nobody received. Cleared once it streams. */
  unreplicatedWal?: boolean;
  /** Since when a standby has not streamed, as its monitors saw it. */
  notStreaming?: NotStreaming;
  /** Since when this primary has seen no healthy standby while PostgreSQL still waits for its set (ms). */
  noStandbySince?: number;
  /** A smaller synchronous set to publish once its members flushed past `lsn`. */
  pendingShrink?: { set: string; lsn: string };
  /** This node redirected a promotion: its failed promote is cleared once the cluster has moved on. */
  redirected?: PendingRedirect;
}

const EMPTY: LocalState = { scores: {}, missingSince: {}, nodes: [], instanceNodes: [] };
export const STATE_DIR = process.env.PGHA_STATE_DIR ?? '/run/pgha';

export const stateFileName = (instance: string) => `${instanceFileName(instance)}.json`;

const pathFor = (instance: string) => `${STATE_DIR}/${stateFileName(instance)}`;

export async function loadLocalState(instance: string): Promise<LocalState> {
  try {
    return { ...EMPTY, ...(JSON.parse(await readFile(pathFor(instance), 'utf8')) as Partial<LocalState>) };
  } catch {
    return structuredClone(EMPTY);
  }
}

async function saveLocalState(instance: string, state: LocalState): Promise<void> {
  await mkdir(STATE_DIR, { recursive: true, mode: 0o750 });
  await writeFileSafely(STATE_DIR, stateFileName(instance), JSON.stringify(state), { mode: 0o640, owner: 'caller' });
}

/** Runs `update` on the local state, then writes it back if it changed (a steady-state monitor changes nothing). */
export async function updateLocalState<T>(instance: string, update: (state: LocalState) => Promise<T>): Promise<T> {
  const state = await loadLocalState(instance);
  const loaded = JSON.stringify(state);
  const result = await update(state);
  if (JSON.stringify(state) !== loaded) await saveLocalState(instance, state);
  return result;
}

/** Scores are re-asserted after this long even when unchanged, in case attrd lost them (stack restart without reboot). */
export const SCORE_REFRESH_MS = 60_000;

export function scoreIsCurrent(state: LocalState, node: string, score: number, now: number): boolean {
  const entry = state.scores[node];
  return entry !== undefined && entry[0] === score && now - entry[1] < SCORE_REFRESH_MS;
}
