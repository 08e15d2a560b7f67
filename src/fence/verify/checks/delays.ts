import type { FenceDevice } from '../cluster-model.js';
import { parseDurationMs } from '../duration.js';

/** pcmk_delay_base as a plain duration or per node ("node1:0s;node2:5s"), in ms; per node when given per node. */
export function delayBaseMs(device: FenceDevice): { max: number; perNode: Map<string, number> } {
  const raw = (device.params.pcmk_delay_base ?? '').trim();
  const perNode = new Map<string, number>();
  if (raw === '') return { max: 0, perNode };
  if (!/[:=]/.test(raw)) return { max: parseDurationMs(raw) ?? 0, perNode };
  for (const entry of raw.split(/[;\s]+/).filter(Boolean)) {
    const [node, value] = entry.split(/[:=]/, 2);
    perNode.set(node!, parseDurationMs(value) ?? 0);
  }
  return { max: Math.max(0, ...perNode.values()), perNode };
}

export const delayMaxMs = (device: FenceDevice): number => parseDurationMs(device.params.pcmk_delay_max) ?? 0;

/** The agent's own `delay` option (seconds, fencing.py style). */
export const agentDelayMs = (device: FenceDevice): number => parseDurationMs(device.params.delay) ?? 0;
