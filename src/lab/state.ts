import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LabNodeLayout } from './layout.js';

/**
 * Lab state on the host, in a directory every node can see (its private
 * mounts cover /run, /var/log, /var/lib/{pacemaker,corosync,postgresql,pgha} and
 * /etc/corosync, never /var/lib/pgha-lab), so fence agents running inside a
 * node find the same pids and config as the host.
 */
export const LAB_DIR = '/var/lib/pgha-lab';
const STATE_FILE = join(LAB_DIR, 'lab.json');
const ANCHOR_FILE = join(LAB_DIR, 'anchor.pid');

export type LabAgent = 'pgha' | 'paf';

export interface LabNodeState extends LabNodeLayout {
  /** Inode of the node's network namespace: identifies its processes in /proc. */
  netnsInode: number;
}

export interface LabState {
  version: 1;
  agent: LabAgent;
  /** The PostgreSQL major version every node runs (lab-postgres.ts); absent in labs brought up before it was recorded. */
  pgMajor?: number;
  nodes: LabNodeState[];
  clientNetnsInode: number;
  createdAt: string;
}

/** A process we started, identified by pid and kernel start time (guards against pid reuse). */
export interface ProcessRef {
  pid: number;
  startTime: string;
}

export const nodeDir = (node: string) => join(LAB_DIR, 'nodes', node);
const holderFile = (node: string) => join(nodeDir(node), 'holder.pid');

export async function readLabState(): Promise<LabState | undefined> {
  try {
    return JSON.parse(await readFile(STATE_FILE, 'utf8')) as LabState;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export async function requireLabState(): Promise<LabState> {
  const state = await readLabState();
  if (!state) throw new Error(`no lab is running (${STATE_FILE} is missing): run "pgha lab up"`);
  return state;
}

export async function writeLabState(state: LabState): Promise<void> {
  await mkdir(LAB_DIR, { recursive: true });
  await writeFile(STATE_FILE, `${JSON.stringify(state, null, 2)}\n`);
}

export async function findLabNode(node: string): Promise<LabNodeState> {
  const state = await requireLabState();
  const found = state.nodes.find((n) => n.name === node);
  if (!found) throw new Error(`${node} is not a lab node (nodes: ${state.nodes.map((n) => n.name).join(', ')})`);
  return found;
}

async function readRef(file: string): Promise<ProcessRef | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as ProcessRef;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export const readAnchorRef = () => readRef(ANCHOR_FILE);
export const writeAnchorRef = (ref: ProcessRef) => writeFile(ANCHOR_FILE, JSON.stringify(ref));
export const readHolderRef = (node: string) => readRef(holderFile(node));
export const writeHolderRef = (node: string, ref: ProcessRef) => writeFile(holderFile(node), JSON.stringify(ref));
export const clearHolderRef = (node: string) => rm(holderFile(node), { force: true });

export async function removeLabDir(): Promise<void> {
  await rm(LAB_DIR, { recursive: true, force: true });
}
