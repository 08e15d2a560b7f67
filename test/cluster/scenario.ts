import assert from 'node:assert/strict';
import { receivedLsn, rowsOnNode } from '../../src/lab/cluster-ops.js';
import { blockReplication } from '../../src/lab/faults.js';
import { LabWriter, missingAcknowledged, writeOutageMs, type WriteEvent } from '../../src/lab/writer.js';
import { waitForNewPrimary } from '../../src/lab/cluster-watch.js';
import { labPowerOff } from '../../src/lab/power.js';
import { outageReport } from './outage-report.js';
import { assertNoViolations, currentPrimary, freshFirstRow, log, missingMonitorTokens, randomDelay, restoreHealthy, sleep } from './harness.js';
import { errorMessage } from '../../src/common/text.js';

/**
 * Runs one fault with the writer going: writes must flow before the fault;
 * after `fault` returns, writes must come back within `recoveryMs`. Returns
 * what the assertions need: the outage and acknowledged rows missing on the
 * primary at the end, the writer's through the VIP and the invariant
 * monitor's direct tokens alike. Throws on any invariant violation meanwhile.
 */
export interface ScenarioResult {
  /** When the fault was issued. */
  faultAt: number;
  /** When it had taken effect (the kill or power-off returned). */
  faultDoneAt: number;
  outageMs: number | undefined;
  acknowledged: number;
  missing: WriteEvent[];
  events: WriteEvent[];
  primaryAfter: string;
}

export async function runWithWriter(
  name: string,
  fault: (writer: LabWriter) => Promise<number>,
  settle: () => Promise<string>,
  recoveryMs = 60_000,
): Promise<ScenarioResult> {
  const first = freshFirstRow();
  const startedAt = Date.now();
  const writer = LabWriter.start({ first });
  try {
    await writer.waitForSuccesses(20, 20_000);
    const faultAt = await fault(writer);
    const faultDoneAt = Date.now();
    await writer.waitForSuccesses(20, recoveryMs).catch(async (error: unknown) => {
      const report = await outageReport(writer.events, faultAt);
      log(`${name}: writes did not come back\n${report}`);
      throw new Error(`${name}: ${errorMessage(error)}\n${report}`);
    });
    const primaryAfter = await settle();
    await writer.waitForSuccesses(10, 20_000);
    const events = await writer.stop();
    const missing = [...missingAcknowledged(events, await rowsOnNode(primaryAfter, first)), ...(await missingMonitorTokens(primaryAfter, startedAt))];
    assertNoViolations(startedAt);
    const result = { faultAt, faultDoneAt, outageMs: writeOutageMs(events, faultAt), acknowledged: events.filter((e) => e.ok).length, missing, events, primaryAfter };
    log(`${name}: primary ${primaryAfter}, write outage ${result.outageMs} ms, ${result.acknowledged} acknowledged, ${missing.length} missing`);
    return result;
  } finally {
    await writer.stop();
  }
}

/**
 * Asynchronous replication may lose what the old primary acknowledged just
 * before it died, never more: acknowledged rows missing must all have been
 * acknowledged within `windowMs` before the fault was issued, and sent before
 * it had taken effect. Issuing one (a process in the node's namespace) takes
 * milliseconds, in which the old primary still commits.
 */
export function lostOutsideWindow(result: ScenarioResult, windowMs: number): WriteEvent[] {
  return result.missing.filter((e) => e.end < result.faultAt - windowMs || e.start > result.faultDoneAt);
}

/**
 * From a healthy cluster, powers the primary's node off at a random moment
 * within `maxDelayMs` under load; returns once another node is primary with the VIP.
 */
export async function crashPrimaryUnderLoad(name: string, maxDelayMs: number): Promise<ScenarioResult & { crashed: string }> {
  await restoreHealthy();
  const crashed = await currentPrimary();
  const result = await runWithWriter(
    name,
    async () => {
      await randomDelay(maxDelayMs);
      const at = Date.now();
      await labPowerOff(crashed);
      return at;
    },
    () => waitForNewPrimary(crashed),
  );
  return { ...result, crashed };
}

/**
 * Cuts `lagging`'s replication (left cut: the caller restores it) for `ms` while writes go on,
 * and checks it did fall behind `advanced`.
 */
export async function makeLag(lagging: string, advanced: string, ms: number): Promise<void> {
  await blockReplication(lagging, true);
  await sleep(ms);
  const [lag, adv] = [await receivedLsn(lagging), await receivedLsn(advanced)];
  assert.ok(lag !== undefined && adv !== undefined && lag < adv, `${lagging} (${lag}) is behind ${advanced} (${adv})`);
}
