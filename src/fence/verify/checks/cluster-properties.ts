import type { ClusterModel } from '../cluster-model.js';
import { CLUSTER, fail, knownNodes, pass, warn, type Finding } from '../finding.js';
import { sbdInUse } from './sbd.js';
import { isFalse } from '../../../common/text.js';

/** stonith-enabled, and at least one way to fence (a device or sbd watchdog). */
export function checkStonithEnabled(model: ClusterModel): Finding[] {
  const id = 'stonith-enabled';
  if (isFalse(model.properties['stonith-enabled'])) {
    return [
      fail(id, CLUSTER, 'stonith-enabled=false: the cluster never fences, so a lost node is assumed dead and two primaries can run', 'pcs property set stonith-enabled=true (after configuring fence devices)'),
    ];
  }
  if (model.devices.length === 0 && !sbdInUse(model)) {
    return [fail(id, CLUSTER, 'fencing is enabled but no fence device is configured: every fencing request will fail and recovery blocks', 'pcs stonith create <id> <agent> ... (see docs/fencing.md)')];
  }
  return [pass(id, CLUSTER, `stonith-enabled=true, ${model.devices.length} fence device(s)`)];
}

/** no-quorum-policy: never ignore with 3+ nodes; suicide only with a watchdog. */
export function checkNoQuorumPolicy(model: ClusterModel): Finding[] {
  const id = 'no-quorum-policy';
  const policy = (model.properties['no-quorum-policy'] ?? 'stop').trim();
  const nodes = knownNodes(model).length;
  if (policy === 'ignore') {
    const message = 'no-quorum-policy=ignore: a partition without quorum keeps running resources and fences the other side';
    if (nodes === 2) return [warn(id, CLUSTER, `${message}; on two nodes use corosync two_node: 1 instead`, 'pcs property set no-quorum-policy=stop, and two_node: 1 in corosync.conf quorum {}')];
    return [fail(id, CLUSTER, message, 'pcs property set no-quorum-policy=stop')];
  }
  if (policy === 'suicide' && !sbdInUse(model)) {
    return [fail(id, CLUSTER, 'no-quorum-policy=suicide needs sbd with a watchdog to fence the partition itself', 'configure sbd (pcs stonith sbd enable) or pcs property set no-quorum-policy=stop')];
  }
  if (!['stop', 'freeze', 'demote', 'suicide'].includes(policy)) {
    return [fail(id, CLUSTER, `no-quorum-policy=${policy} is not a known value`, 'pcs property set no-quorum-policy=stop')];
  }
  return [pass(id, CLUSTER, `no-quorum-policy=${policy}`)];
}
