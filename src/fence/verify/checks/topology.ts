import type { ClusterModel, FencingLevel } from '../cluster-model.js';
import { deviceCanTarget, deviceTargets, safeMatch } from '../device-reach.js';
import { CLUSTER, fail, knownNodes, pass, warn, type Finding } from '../finding.js';

/** The fencing levels that apply to `node`, by index. */
export function levelsFor(node: string, model: ClusterModel): FencingLevel[] {
  return model.levels
    .filter((l) =>
      l.target !== undefined ? l.target === node
      : l.targetPattern !== undefined ? safeMatch(l.targetPattern, node)
      : l.targetAttribute !== undefined ? model.nodeAttributes[node]?.[l.targetAttribute] === l.targetValue
      : false,
    )
    .sort((a, b) => a.index - b.index);
}

/** Levels must name existing devices that target their nodes, match at least one node and not repeat an index. */
export function checkTopology(model: ClusterModel): Finding[] {
  const id = 'topology';
  if (model.levels.length === 0) return [];
  const findings: Finding[] = [];
  const devices = new Map(model.devices.map((d) => [d.id, d]));
  const nodes = knownNodes(model);
  const seen = new Map<string, string>();
  for (const level of model.levels) {
    const subject = `level ${level.id}`;
    const who = level.target ?? level.targetPattern ?? `${level.targetAttribute}=${level.targetValue}`;
    const key = `${who}#${level.index}`;
    if (seen.has(key)) findings.push(fail(id, subject, `index ${level.index} for ${who} is also used by ${seen.get(key)}`, 'give each level of a target its own index (1-9)'));
    seen.set(key, level.id);
    const missing = level.devices.filter((d) => !devices.has(d));
    if (missing.length > 0) findings.push(fail(id, subject, `level ${level.index} for ${who} names device(s) that do not exist: ${missing.join(', ')}`, `pcs stonith level remove ${level.index} target ${pcsLevelTarget(level)}, then add it with existing devices`));
    const matched = nodes.filter((n) => levelsFor(n, model).includes(level));
    if (matched.length === 0) {
      findings.push(warn(id, subject, `level ${level.index} (${who}) matches no cluster node`, 'fix the level target (node name, pattern or attribute)'));
      continue;
    }
    for (const node of matched) {
      const wrong = level.devices.filter((d) => devices.has(d) && deviceCanTarget(deviceTargets(devices.get(d)!, model.dynamicTargets), node) === false);
      if (wrong.length > 0) findings.push(warn(id, subject, `level ${level.index} for ${node} uses device(s) that do not target ${node}: ${wrong.join(', ')}`, `add ${node} to the pcmk_host_map/pcmk_host_list of ${wrong.join(', ')}`));
    }
  }
  if (!findings.some((f) => f.verdict !== 'PASS')) findings.push(pass(id, CLUSTER, `${model.levels.length} fencing level(s) consistent`));
  return findings;
}

/** A level's target as pcs writes it (`target` keyword: pcs 0.11 and 0.12; 0.12 removed the bare form). */
export function pcsLevelTarget(level: Pick<FencingLevel, 'target' | 'targetPattern' | 'targetAttribute' | 'targetValue'>): string {
  if (level.target !== undefined) return level.target;
  if (level.targetPattern !== undefined) return `regexp%${level.targetPattern}`;
  return `attrib%${level.targetAttribute}=${level.targetValue}`;
}
