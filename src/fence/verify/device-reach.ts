import type { ClusterModel, FenceDevice } from './cluster-model.js';
import { parseScore, SCORE_INFINITY } from '../../pacemaker/score.js';
import { isFalse } from '../../common/text.js';

/** How Pacemaker decides which nodes a device can fence (pcmk_host_check and its default). */
export type DeviceTargets =
  | { mode: 'static'; targets: Map<string, string> }
  | { mode: 'any' }
  /** dynamic-list or status: known only by asking the device; `targets` when a live run did. */
  | { mode: 'dynamic'; check: 'dynamic-list' | 'status'; targets?: string[] };

export interface HostMap {
  entries: Map<string, string>;
  malformed: string[];
}

/** pcmk_host_map: `node:plug` (or `node=plug`) entries separated by `;` or blanks; `\` escapes. */
export function parseHostMap(value: string): HostMap {
  const entries = new Map<string, string>();
  const malformed: string[] = [];
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && i + 1 < value.length) current += c + value[++i];
    else if (c === ';' || /\s/.test(c)) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  for (const part of parts.filter((p) => p !== '')) {
    const m = /^((?:\\.|[^:=\\])+)[:=](.+)$/.exec(part);
    if (m) entries.set(unescape(m[1]!), unescape(m[2]!));
    else malformed.push(part);
  }
  return { entries, malformed };
}

const unescape = (text: string) => text.replace(/\\(.)/g, '$1');

/** pcmk_host_list: names separated by blanks, commas or semicolons. */
export const parseHostList = (value: string): string[] => value.split(/[\s,;]+/).filter(Boolean);

export function deviceTargets(device: FenceDevice, dynamicTargets: Record<string, string[]> = {}): DeviceTargets {
  const map = device.params.pcmk_host_map;
  const list = device.params.pcmk_host_list;
  const check = device.params.pcmk_host_check?.trim();
  const hasStatic = (map ?? '').trim() !== '' || (list ?? '').trim() !== '';
  if (check === 'none') return { mode: 'any' };
  if (check === 'static-list' || (check === undefined && hasStatic)) {
    const targets = new Map<string, string>();
    for (const node of parseHostList(list ?? '')) targets.set(node, node);
    for (const [node, plug] of parseHostMap(map ?? '').entries) targets.set(node, plug);
    return { mode: 'static', targets };
  }
  return { mode: 'dynamic', check: check === 'status' ? 'status' : 'dynamic-list', targets: dynamicTargets[device.id] };
}

/** Whether the device fences `node`: true, false, or undefined when only the device can tell. */
export function deviceCanTarget(targets: DeviceTargets, node: string): boolean | undefined {
  if (targets.mode === 'any') return true;
  if (targets.mode === 'static') return targets.targets.has(node);
  return targets.targets ? targets.targets.includes(node) : undefined;
}

export interface Placement {
  /** Nodes where the fencer may register the device. */
  allowed: string[];
  /** Constraint ids with rules, not evaluated here. */
  unevaluated: string[];
  disabled: boolean;
}

/** Where a device may run, from location constraints, symmetric-cluster and target-role. */
export function devicePlacement(device: FenceDevice, model: ClusterModel, nodes: readonly string[]): Placement {
  const disabled = /^stopped$/i.test(device.meta['target-role'] ?? model.rscDefaults['target-role'] ?? '');
  const symmetric = !isFalse(model.properties['symmetric-cluster']);
  const applies = model.locations.filter((c) => c.rsc === device.id || (c.rscPattern !== undefined && safeMatch(c.rscPattern, device.id)));
  const unevaluated = applies.filter((c) => c.hasRule).map((c) => c.id);
  const allowed = disabled
    ? []
    : nodes.filter((node) => {
        const scores = applies.filter((c) => c.node === node && c.score !== undefined).map((c) => parseScore(c.score!) ?? 0);
        if (scores.includes(-SCORE_INFINITY)) return false;
        return symmetric || scores.some((score) => score > 0);
      });
  return { allowed, unevaluated, disabled };
}

export function safeMatch(pattern: string, text: string): boolean {
  try {
    return new RegExp(pattern).test(text);
  } catch {
    return false;
  }
}
