import type { ClusterModel, FenceDevice } from '../cluster-model.js';
import { formatSeconds, parseDurationMs } from '../duration.js';
import { deviceSubject, fail, pass, warn, type Finding } from '../finding.js';
import { agentDelayMs, delayBaseMs, delayMaxMs } from './delays.js';

export const DEFAULT_STONITH_TIMEOUT_MS = 60_000;
/** fencing.py's default power_timeout; agents outside fencing.py have no such loop. */
const FENCING_PY_POWER_TIMEOUT_MS = 20_000;
const NO_POWER_LOOP = new Set(['fence_sbd', 'fence_watchdog', 'fence_kdump', 'fence_heuristics_ping', 'fence_scsi', 'fence_mpath']);

export const stonithTimeoutMs = (model: ClusterModel): number => parseDurationMs(model.properties['stonith-timeout']) ?? DEFAULT_STONITH_TIMEOUT_MS;

/** The time a fencing action may take on this device: delays, then the agent's own waits. */
export function neededMs(device: FenceDevice, model: ClusterModel): { total: number; parts: string[] } {
  const parts: [string, number][] = [
    ['pcmk_delay_base', delayBaseMs(device).max],
    ['pcmk_delay_max', delayMaxMs(device)],
    ['priority-fencing-delay', parseDurationMs(model.properties['priority-fencing-delay']) ?? 0],
    ['delay', agentDelayMs(device)],
    ['power_wait', parseDurationMs(device.params.power_wait) ?? 0],
    ['login_timeout', parseDurationMs(device.params.login_timeout) ?? 0],
    ['power_timeout', parseDurationMs(device.params.power_timeout) ?? (NO_POWER_LOOP.has(device.agent) ? 0 : FENCING_PY_POWER_TIMEOUT_MS)],
  ];
  const used = parts.filter(([, ms]) => ms > 0);
  return { total: used.reduce((sum, [, ms]) => sum + ms, 0), parts: used.map(([name, ms]) => `${name} ${formatSeconds(ms)}`) };
}

/**
 * The fencer gives each off/reboot the device's pcmk_<action>_timeout, else
 * stonith-timeout; it must cover the delays plus the agent's power_timeout,
 * or a slow but successful power-off is reported as a failed fencing.
 */
export function checkTimeouts(model: ClusterModel): Finding[] {
  const id = 'timeouts';
  const clusterMs = stonithTimeoutMs(model);
  const findings: Finding[] = [];
  if (model.properties['stonith-timeout'] !== undefined && parseDurationMs(model.properties['stonith-timeout']) === undefined) {
    findings.push(fail(id, 'cluster', `stonith-timeout=${model.properties['stonith-timeout']} is not a duration`, 'pcs property set stonith-timeout=60s'));
  }
  const action = (model.properties['stonith-action'] ?? 'reboot').trim() === 'off' ? 'off' : 'reboot';
  for (const device of model.devices) {
    const subject = deviceSubject(device.id);
    const need = neededMs(device, model);
    const own = device.params[`pcmk_${action}_timeout`] ?? (action === 'reboot' ? device.params.pcmk_off_timeout : undefined);
    const timeoutMs = parseDurationMs(own) ?? clusterMs;
    const source = own !== undefined ? `pcmk_${action}_timeout=${own}` : `stonith-timeout ${formatSeconds(clusterMs)}`;
    if (timeoutMs < need.total) {
      findings.push(
        fail(id, subject, `${source} is shorter than what a ${action} may take: ${formatSeconds(need.total)} (${need.parts.join(' + ')})`, `pcs stonith update ${device.id} pcmk_${action}_timeout=${Math.ceil((need.total * 1.2) / 1000)}s, or raise stonith-timeout`),
      );
    } else if (timeoutMs < need.total + 5_000) {
      findings.push(warn(id, subject, `${source} leaves under 5s of margin over ${formatSeconds(need.total)} (${need.parts.join(' + ')})`, `pcs stonith update ${device.id} pcmk_${action}_timeout=${Math.ceil((need.total * 1.2 + 5_000) / 1000)}s`));
    } else {
      findings.push(pass(id, subject, `${source} covers ${formatSeconds(need.total)}${need.parts.length ? ` (${need.parts.join(' + ')})` : ''}`));
    }
  }
  return findings;
}
