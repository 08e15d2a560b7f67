import type { ClusterModel } from '../cluster-model.js';
import { parseDurationMs, formatSeconds } from '../duration.js';
import { CLUSTER, fail, knownNodes, pass, warn, type Finding } from '../finding.js';
import { agentDelayMs, delayBaseMs, delayMaxMs } from './delays.js';

const PG_AGENT = /(^|:)(pgha:postgresql|heartbeat:pgsql|heartbeat:pgsqlms)$/;

/**
 * Two nodes: quorum through two_node (or a qdevice), and something that
 * breaks the fence race on a split (both nodes shooting each other).
 */
export function checkTwoNode(model: ClusterModel): Finding[] {
  if (knownNodes(model).length !== 2) return [];
  const id = 'two-node';
  const findings: Finding[] = [];
  const corosync = model.corosync;
  if (!corosync) findings.push(warn(id, CLUSTER, 'corosync settings unknown: two_node and wait_for_all not checked', 'run on a cluster node or pass --corosync-conf /etc/corosync/corosync.conf'));
  else if (corosync.qdevice) findings.push(pass(id, CLUSTER, `quorum from a qdevice (${corosync.source})`));
  else if (!corosync.twoNode) findings.push(fail(id, CLUSTER, 'two nodes without two_node: 1 or a qdevice: the survivor of a node loss has no quorum', 'set "two_node: 1" in the quorum {} section of corosync.conf on both nodes (pcs quorum update ... or edit and reload)'));
  else if (corosync.waitForAll === false) findings.push(warn(id, CLUSTER, 'two_node with wait_for_all: 0: a node booting alone may fence its peer at start', 'remove "wait_for_all: 0" from corosync.conf'));
  else findings.push(pass(id, CLUSTER, `two_node: 1 with wait_for_all (${corosync.source})`));

  const pfd = parseDurationMs(model.properties['priority-fencing-delay']) ?? 0;
  const maxRandom = Math.max(0, ...model.devices.map(delayMaxMs));
  const bases = model.devices.map((d) => delayBaseMs(d));
  const staticDelays = model.devices.map((d, i) => Math.max(bases[i]!.max, agentDelayMs(d)));
  const staticBreaksRace = new Set(staticDelays).size > 1 || bases.some((b) => new Set(b.perNode.values()).size > 1);
  const prioritized = [...model.resources.filter((r) => Number(r.meta.priority ?? model.rscDefaults.priority ?? 0) > 0)];
  const pg = model.resources.find((r) => r.kind === 'clone' && r.children.some((c) => PG_AGENT.test(model.resources.find((p) => p.id === c)?.kind ?? '')));

  if (pfd > 0) {
    if (prioritized.length === 0) {
      findings.push(fail(id, CLUSTER, `priority-fencing-delay=${formatSeconds(pfd)} does nothing: no resource has a priority meta attribute`, `pcs resource meta ${pg?.id ?? '<postgresql-clone>'} priority=10`));
    } else if (pg && !prioritized.includes(pg)) {
      findings.push(warn(id, CLUSTER, `the PostgreSQL clone ${pg.id} has no priority: the delay protects ${prioritized.map((r) => r.id).join(', ')} instead of the primary`, `pcs resource meta ${pg.id} priority=10`));
    } else {
      findings.push(pass(id, CLUSTER, `priority-fencing-delay=${formatSeconds(pfd)} favours the node running ${prioritized.map((r) => r.id).join(', ')}`));
    }
    if (maxRandom > 0 && pfd < 2 * maxRandom) {
      findings.push(warn(id, CLUSTER, `priority-fencing-delay ${formatSeconds(pfd)} is under twice the largest pcmk_delay_max ${formatSeconds(maxRandom)}`, `pcs property set priority-fencing-delay=${Math.ceil((2 * maxRandom) / 1000) + 1}s`));
    }
  } else if (maxRandom > 0 || staticBreaksRace) {
    findings.push(pass(id, CLUSTER, maxRandom > 0 ? `random fence delay up to ${formatSeconds(maxRandom)} (pcmk_delay_max)` : 'static fence delays differ between the nodes (pcmk_delay_base)'));
  } else {
    const msg = staticDelays.some((d) => d > 0) ? 'every device has the same static delay, which does not break the race' : 'no fence delay';
    findings.push(
      fail(id, CLUSTER, `${msg}: on a split both nodes may fence each other at once`, `pcs property set priority-fencing-delay=15s and pcs resource meta ${pg?.id ?? '<postgresql-clone>'} priority=10; or pcs stonith update <device of the preferred survivor> pcmk_delay_base=10s`),
    );
  }
  return findings;
}
