import type { ClusterModel, FenceDevice } from '../cluster-model.js';
import { deviceCanTarget, devicePlacement, deviceTargets, parseHostList, parseHostMap } from '../device-reach.js';
import { deviceSubject, fail, knownNodes, nodeSubject, pass, warn, type Finding } from '../finding.js';
import { levelsFor } from './topology.js';

/** A device can fence `node` when it targets it and may run on some other node. */
function usableFor(device: FenceDevice, node: string, model: ClusterModel, nodes: string[]): { ok: boolean | undefined; why: string } {
  const can = deviceCanTarget(deviceTargets(device, model.dynamicTargets), node);
  if (can === false) return { ok: false, why: `${device.id} does not target ${node}` };
  const placement = devicePlacement(device, model, nodes);
  const elsewhere = placement.allowed.filter((n) => n !== node);
  if (placement.disabled) return { ok: false, why: `${device.id} is disabled (target-role=Stopped)` };
  if (elsewhere.length === 0) return { ok: false, why: `${device.id} is not allowed on any node but ${node} (location constraints)` };
  if (can === undefined) return { ok: undefined, why: `${device.id} (targets known only from its list/status answer)` };
  return { ok: true, why: device.id };
}

/** Every node must be fenceable: by a usable device, or through a complete topology level. */
export function checkNodeCoverage(model: ClusterModel): Finding[] {
  const id = 'coverage';
  const nodes = knownNodes(model);
  if (nodes.length === 0) return [fail(id, 'cluster', 'no nodes found in the CIB or corosync nodelist', 'check the CIB and corosync.conf given to verify')];
  const byId = new Map(model.devices.map((d) => [d.id, d]));
  return nodes.map((node) => {
    const subject = nodeSubject(node);
    const levels = levelsFor(node, model);
    if (levels.length > 0) {
      const complete = levels.filter((l) => l.devices.every((d) => byId.has(d) && usableFor(byId.get(d)!, node, model, nodes).ok !== false));
      if (complete.length === 0) {
        return fail(id, subject, `fencing topology has ${levels.length} level(s) for ${node} but none whose devices can all fence it`, `fix the devices of the levels for ${node} (pcs stonith level config), or add a level with a device that targets ${node}`);
      }
      return pass(id, subject, `fenced through topology level(s) ${complete.map((l) => `${l.index} (${l.devices.join('+')})`).join(', ')}`);
    }
    const results = model.devices.map((d) => usableFor(d, node, model, nodes));
    const sure = results.filter((r) => r.ok === true).map((r) => r.why);
    if (sure.length > 0) return pass(id, subject, `fenced by ${sure.join(', ')}`);
    const maybe = results.filter((r) => r.ok === undefined).map((r) => r.why);
    if (maybe.length > 0) {
      return warn(id, subject, `only devices with a dynamic target list may fence ${node}: ${maybe.join(', ')}`, `confirm with "stonith_admin --list ${node}"; better, set pcmk_host_map or pcmk_host_list on the device`);
    }
    const reasons = results.map((r) => r.why).join('; ');
    return fail(id, subject, `no fence device can fence ${node}${reasons ? ` (${reasons})` : ''}`, `pcs stonith create <id> <agent> ... pcmk_host_map="${node}:<plug>", or fix the location constraints of an existing device`);
  });
}

/** pcmk_host_map / pcmk_host_list entries must parse and name real nodes. */
export function checkHostMaps(model: ClusterModel): Finding[] {
  const id = 'host-map';
  const nodes = new Set(knownNodes(model));
  const findings: Finding[] = [];
  for (const device of model.devices) {
    const subject = deviceSubject(device.id);
    const map = parseHostMap(device.params.pcmk_host_map ?? '');
    const names = [...map.entries.keys(), ...parseHostList(device.params.pcmk_host_list ?? '')];
    if (map.malformed.length > 0) {
      findings.push(fail(id, subject, `pcmk_host_map has entries that are not node:plug: ${map.malformed.join(', ')}`, `pcs stonith update ${device.id} pcmk_host_map="node1:plug1;node2:plug2" (";" between entries)`));
    }
    const unknown = names.filter((n) => !nodes.has(n));
    if (unknown.length > 0) {
      findings.push(warn(id, subject, `pcmk_host_map/pcmk_host_list name(s) that are not cluster nodes: ${unknown.join(', ')}`, `use node names exactly as "crm_node -l" shows them (known: ${[...nodes].join(', ')})`));
    }
    if (names.length > 0 && map.malformed.length === 0 && unknown.length === 0) findings.push(pass(id, subject, `host map resolves: ${names.join(', ')}`));
  }
  return findings;
}
