import type { ClusterModel } from '../cluster-model.js';
import { formatSeconds, parseDurationMs } from '../duration.js';
import { CLUSTER, fail, knownNodes, pass, warn, type Finding } from '../finding.js';
import { stonithTimeoutMs } from './timeouts.js';

const SBD_AGENTS = new Set(['fence_sbd', 'external/sbd']);

const watchdogFencing = (model: ClusterModel) => {
  const value = model.properties['stonith-watchdog-timeout'];
  return value !== undefined && !/^(0|0s|false)?$/i.test(value.trim());
};

export function sbdInUse(model: ClusterModel): boolean {
  return watchdogFencing(model) || model.devices.some((d) => SBD_AGENTS.has(d.agent)) || (model.sbd?.devices.length ?? 0) > 0;
}

/** sbd timeouts: stonith-timeout above msgwait (disk) or the watchdog timeout (diskless); diskless needs real quorum. */
export function checkSbd(model: ClusterModel): Finding[] {
  if (!sbdInUse(model)) return [];
  const id = 'sbd';
  const findings: Finding[] = [];
  const watchdogS = model.sbd?.watchdogTimeoutS ?? 5;
  const stonithMs = stonithTimeoutMs(model);
  const diskDevices = model.devices.filter((d) => SBD_AGENTS.has(d.agent));
  if (diskDevices.length > 0 || (model.sbd?.devices.length ?? 0) > 0) {
    const msgwaitS = model.sbd?.msgwaitS ?? watchdogS * 2;
    const known = model.sbd?.msgwaitS !== undefined ? 'msgwait' : `msgwait (assumed 2 x SBD_WATCHDOG_TIMEOUT ${watchdogS}s)`;
    for (const device of diskDevices.length > 0 ? diskDevices : [undefined]) {
      const own = device?.params.pcmk_reboot_timeout ?? device?.params.pcmk_off_timeout;
      const timeoutMs = parseDurationMs(own) ?? stonithMs;
      const subject = device ? `device ${device.id}` : CLUSTER;
      if (timeoutMs <= msgwaitS * 1000) {
        findings.push(fail(id, subject, `fencing timeout ${formatSeconds(timeoutMs)} does not exceed ${known} ${msgwaitS}s: the poison pill cannot be confirmed`, `pcs property set stonith-timeout=${Math.ceil(msgwaitS * 1.2) + 5}s`));
      } else findings.push(pass(id, subject, `fencing timeout ${formatSeconds(timeoutMs)} exceeds ${known} ${msgwaitS}s`));
    }
  }
  if (watchdogFencing(model)) {
    const raw = model.properties['stonith-watchdog-timeout']!;
    const parsed = parseDurationMs(raw) ?? 0;
    const swtMs = parsed < 0 ? 2 * watchdogS * 1000 : parsed;
    if (swtMs <= watchdogS * 1000) {
      findings.push(fail(id, CLUSTER, `stonith-watchdog-timeout ${formatSeconds(swtMs)} does not exceed SBD_WATCHDOG_TIMEOUT ${watchdogS}s: a node may be declared dead while still running`, `pcs property set stonith-watchdog-timeout=${2 * watchdogS}s`));
    } else if (swtMs < 2 * watchdogS * 1000) {
      findings.push(warn(id, CLUSTER, `stonith-watchdog-timeout ${formatSeconds(swtMs)} is under twice SBD_WATCHDOG_TIMEOUT ${watchdogS}s`, `pcs property set stonith-watchdog-timeout=${2 * watchdogS}s`));
    } else findings.push(pass(id, CLUSTER, `stonith-watchdog-timeout ${formatSeconds(swtMs)} vs SBD_WATCHDOG_TIMEOUT ${watchdogS}s`));
    if (stonithMs <= swtMs) {
      findings.push(fail(id, CLUSTER, `stonith-timeout ${formatSeconds(stonithMs)} does not exceed stonith-watchdog-timeout ${formatSeconds(swtMs)}`, `pcs property set stonith-timeout=${Math.ceil(swtMs / 1000) + 10}s`));
    }
    if (knownNodes(model).length === 2 && !model.corosync?.qdevice) {
      findings.push(fail(id, CLUSTER, 'diskless sbd (watchdog fencing) needs real quorum: not valid on two nodes without a qdevice', 'add a qdevice (pcs quorum device add ...) or use disk sbd / power fencing'));
    }
  }
  return findings;
}
