import type { Logger } from '../ocf/log.js';
import type { Clock, PowerDriver, PowerStatus } from './driver.js';
import { FENCE_EXIT, FenceFailure, type FenceExitCode } from './fence-errors.js';
import { errorMessage } from '../common/text.js';

/** The timing and output settings of one power action, already in milliseconds. */
export interface PowerSettings {
  /** Wait before off/reboot, counted from `startedAt`. */
  delayMs: number;
  /** How long to poll for the requested state; Infinity when the caller owns the timeout. */
  powerTimeoutMs: number;
  powerWaitMs: number;
  statusSleepMs: number;
  /** Power-on attempts (retry_on). */
  onAttempts: number;
  separator: string;
  startedAt: number;
}

export interface ActionContext {
  driver: PowerDriver;
  settings: PowerSettings;
  clock: Clock;
  log: Logger;
  /** One line of the action's result on stdout. */
  out: (line: string) => void;
}

export type PowerActionName = 'on' | 'off' | 'reboot' | 'status' | 'monitor' | 'list' | 'list-status';

/**
 * The fence-agents semantics, in one place: read the status first ("Already
 * OFF"), request the change, verify it by polling until power_timeout (a
 * timeout is a failure), reboot = verified off then best-effort on.
 */
export async function performPowerAction(action: PowerActionName, target: string | undefined, ctx: ActionContext): Promise<FenceExitCode> {
  switch (action) {
    case 'list':
    case 'list-status':
      await printList(action, ctx);
      return FENCE_EXIT.SUCCESS;
    case 'monitor':
      await ctx.driver.list().catch((error: unknown) => {
        throw new FenceFailure('fence.driver', `monitor: device does not answer: ${errorMessage(error)}`, { cause: error });
      });
      return FENCE_EXIT.SUCCESS;
  }
  const plug = target!;
  if (action === 'off' || action === 'reboot') await waitForDelay(ctx);
  const status = await readStatus(plug, ctx);
  if (action === 'status') {
    ctx.out(`Status: ${status.toUpperCase()}`);
    return status === 'off' ? FENCE_EXIT.OFF : FENCE_EXIT.SUCCESS;
  }
  if (action === status) {
    ctx.out(`Success: Already ${status.toUpperCase()}`);
    return FENCE_EXIT.SUCCESS;
  }
  if (action === 'on') {
    if (!(await setAndVerify(plug, 'on', ctx.settings.onAttempts, ctx))) throw new FenceFailure('fence.timeout_on', 'Failed: Timed out waiting to power ON');
    ctx.out('Success: Powered ON');
    return FENCE_EXIT.SUCCESS;
  }
  if (status !== 'off' && !(await setAndVerify(plug, 'off', 1, ctx))) {
    throw new FenceFailure('fence.timeout_off', 'Failed: Timed out waiting to power OFF');
  }
  if (action === 'off') {
    ctx.out('Success: Powered OFF');
    return FENCE_EXIT.SUCCESS;
  }
  // reboot: the off phase is done and verified, so the node is fenced whatever happens next.
  try {
    if (!(await setAndVerify(plug, 'on', ctx.settings.onAttempts, ctx))) ctx.log.error('Timed out waiting to power ON');
  } catch (error) {
    ctx.log.warning(`power on after reboot failed: ${errorMessage(error)}`);
  }
  ctx.out('Success: Rebooted');
  return FENCE_EXIT.SUCCESS;
}

async function readStatus(plug: string, ctx: ActionContext): Promise<PowerStatus> {
  try {
    return await ctx.driver.status(plug);
  } catch (error) {
    throw new FenceFailure('fence.status', `Failed: Unable to obtain correct plug status or plug is not available: ${errorMessage(error)}`, { cause: error });
  }
}

/** Requests `wanted`, then polls until the status reads it back; false when power_timeout passes first. */
export async function setAndVerify(plug: string, wanted: PowerStatus, attempts: number, ctx: ActionContext): Promise<boolean> {
  const { driver, settings, clock, log } = ctx;
  for (let attempt = 1; attempt <= Math.max(1, attempts); attempt++) {
    if (attempt > 1) log.info(`power ${wanted} of ${plug}: attempt ${attempt} of ${attempts}`);
    await (wanted === 'off' ? driver.off(plug) : driver.on(plug)).catch((error: unknown) => {
      throw new FenceFailure('fence.driver', `Failed: power ${wanted} of ${plug}: ${errorMessage(error)}`, { cause: error });
    });
    if (settings.powerWaitMs > 0) await clock.sleep(settings.powerWaitMs);
    const giveUpAt = clock.now() + settings.powerTimeoutMs;
    for (;;) {
      const status = await driver.status(plug).catch((error: unknown) => {
        log.warning(`status of ${plug} unreadable while waiting for ${wanted}: ${errorMessage(error)}`);
        return undefined;
      });
      if (status === wanted) return true;
      const left = giveUpAt - clock.now();
      if (left <= 0) break;
      await clock.sleep(Math.min(settings.statusSleepMs, left));
    }
    log.warning(`${plug} still not ${wanted} after ${settings.powerTimeoutMs / 1000}s`);
  }
  return false;
}

async function waitForDelay(ctx: ActionContext): Promise<void> {
  const left = ctx.settings.startedAt + ctx.settings.delayMs - ctx.clock.now();
  if (left <= 0) return;
  ctx.log.info(`delay: waiting ${(left / 1000).toFixed(1)}s before fencing`);
  await ctx.clock.sleep(left);
}

async function printList(action: 'list' | 'list-status', ctx: ActionContext): Promise<void> {
  const entries = await ctx.driver.list().catch((error: unknown) => {
    throw new FenceFailure('fence.list', `Failed: unable to list plugs: ${errorMessage(error)}`, { cause: error });
  });
  const sep = ctx.settings.separator;
  for (const entry of entries) {
    const fields = [entry.plug, entry.alias ?? ''];
    if (action === 'list-status') {
      const status = entry.status ?? (await ctx.driver.status(entry.plug).catch(() => undefined));
      fields.push(status ? status.toUpperCase() : 'UNKNOWN');
    }
    ctx.out(fields.join(sep));
  }
}
