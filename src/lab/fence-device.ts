import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LAB_DIR } from './state.js';

/**
 * A broken fence device, as a lab fault: while set, fence_pgha_lab's power
 * operations on every node misbehave (its monitor, a listing, still works, as
 * a device's management port often does while it cannot switch outlets):
 * - fail: status, off and on report an error;
 * - hang: they never return (Pacemaker's fencing timeout ends the agent);
 * - noop: off and on switch nothing, status tells the truth (so an off is never confirmed on a running node).
 * The lab directory is shared by every node, so one file reaches every device.
 */
export const FENCE_DEVICE_FAULTS = ['fail', 'hang', 'noop'] as const;
export type FenceDeviceFault = (typeof FENCE_DEVICE_FAULTS)[number];

const FAULT_FILE = join(LAB_DIR, 'fence-device-fault');

export async function setFenceDeviceFault(fault: FenceDeviceFault | undefined): Promise<void> {
  if (fault === undefined) await rm(FAULT_FILE, { force: true });
  else await writeFile(FAULT_FILE, `${fault}\n`);
}

export async function fenceDeviceFault(): Promise<FenceDeviceFault | undefined> {
  const text = (await readFile(FAULT_FILE, 'utf8').catch(() => '')).trim();
  return (FENCE_DEVICE_FAULTS as readonly string[]).includes(text) ? (text as FenceDeviceFault) : undefined;
}

/** A hung device: never returns. The timer keeps the process alive: a bare pending promise would let Node exit 0, which Pacemaker takes for a success. */
export const hangForever = () => new Promise<never>(() => setInterval(() => undefined, 60_000));
