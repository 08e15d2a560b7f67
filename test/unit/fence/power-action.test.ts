import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FENCE_EXIT, FenceFailure } from '../../../src/fence/fence-errors.ts';
import { performPowerAction, type ActionContext, type PowerActionName, type PowerSettings } from '../../../src/fence/power-action.ts';
import { fakeClock, fakeDriver, recordingLogger, type FakeDriver } from './fakes.ts';

const SETTINGS: PowerSettings = { delayMs: 0, powerTimeoutMs: 20_000, powerWaitMs: 0, statusSleepMs: 1_000, onAttempts: 1, separator: ',', startedAt: 1_000_000 };

function context(driver: FakeDriver, settings: Partial<PowerSettings> = {}) {
  const out: string[] = [];
  const clock = fakeClock();
  const log = recordingLogger();
  const ctx: ActionContext = { driver, settings: { ...SETTINGS, ...settings }, clock, log, out: (line) => out.push(line) };
  return { ctx, out, clock, log };
}

const act = (action: PowerActionName, target: string | undefined, ctx: ActionContext) => performPowerAction(action, target, ctx);

describe('performPowerAction', () => {
  it('status: 0 and "Status: ON" for on, 2 and "Status: OFF" for off', async () => {
    const driver = fakeDriver({ n1: 'on', n2: 'off' });
    const a = context(driver);
    assert.equal(await act('status', 'n1', a.ctx), FENCE_EXIT.SUCCESS);
    assert.equal(await act('status', 'n2', a.ctx), FENCE_EXIT.OFF);
    assert.deepEqual(a.out, ['Status: ON', 'Status: OFF']);
  });

  it('status of an unreachable device is a failure (1), not off', async () => {
    const { ctx } = context(fakeDriver({ n1: 'on' }, { statusThrows: true }));
    await assert.rejects(act('status', 'n1', ctx), (e: FenceFailure) => e.code === 'fence.status');
  });

  it('off: succeeds only once the status reads back off', async () => {
    const driver = fakeDriver({ n1: 'on' }, { offTakesPolls: 3 });
    const { ctx, out, clock } = context(driver);
    assert.equal(await act('off', 'n1', ctx), FENCE_EXIT.SUCCESS);
    assert.deepEqual(out, ['Success: Powered OFF']);
    assert.deepEqual(driver.calls, ['status n1', 'off n1', 'status n1', 'status n1', 'status n1']);
    assert.deepEqual(clock.slept, [1_000, 1_000]);
  });

  it('off: a device that never confirms off fails after power_timeout', async () => {
    const driver = fakeDriver({ n1: 'on' }, { neverOff: true });
    const { ctx, out, clock } = context(driver, { powerTimeoutMs: 5_000 });
    await assert.rejects(act('off', 'n1', ctx), (e: FenceFailure) => e.code === 'fence.timeout_off');
    assert.deepEqual(out, []);
    assert.equal(clock.slept.reduce((a, b) => a + b, 0), 5_000);
    assert.equal(driver.plugs.get('n1'), 'on');
  });

  it('off of an off plug returns "Already OFF" without touching the power', async () => {
    const driver = fakeDriver({ n1: 'off' });
    const { ctx, out } = context(driver);
    assert.equal(await act('off', 'n1', ctx), FENCE_EXIT.SUCCESS);
    assert.deepEqual(out, ['Success: Already OFF']);
    assert.deepEqual(driver.calls, ['status n1']);
  });

  it('on: powers on and verifies; retries power on retry_on times', async () => {
    const driver = fakeDriver({ n1: 'off' });
    const { ctx, out } = context(driver);
    assert.equal(await act('on', 'n1', ctx), FENCE_EXIT.SUCCESS);
    assert.deepEqual(out, ['Success: Powered ON']);

    const stuck = fakeDriver({ n1: 'off' });
    stuck.on = async (plug) => void stuck.calls.push(`on ${plug}`);
    const b = context(stuck, { onAttempts: 3, powerTimeoutMs: 2_000 });
    await assert.rejects(act('on', 'n1', b.ctx), (e: FenceFailure) => e.code === 'fence.timeout_on');
    assert.equal(stuck.calls.filter((c) => c.startsWith('on')).length, 3);
  });

  it('reboot: verified off, then on; success even when power on fails', async () => {
    const driver = fakeDriver({ n1: 'on' }, { failOn: true });
    const { ctx, out, log } = context(driver);
    assert.equal(await act('reboot', 'n1', ctx), FENCE_EXIT.SUCCESS);
    assert.deepEqual(out, ['Success: Rebooted']);
    assert.equal(driver.plugs.get('n1'), 'off');
    assert.ok(log.lines.some((l) => l.startsWith('warning: power on after reboot failed')));
  });

  it('reboot: fails when off is never confirmed, and never tries to power on', async () => {
    const driver = fakeDriver({ n1: 'on' }, { neverOff: true });
    const { ctx } = context(driver, { powerTimeoutMs: 3_000 });
    await assert.rejects(act('reboot', 'n1', ctx), (e: FenceFailure) => e.code === 'fence.timeout_off');
    assert.ok(!driver.calls.some((c) => c.startsWith('on')));
  });

  it('reboot of an off node skips off and powers it on', async () => {
    const driver = fakeDriver({ n1: 'off' });
    const { ctx } = context(driver);
    assert.equal(await act('reboot', 'n1', ctx), FENCE_EXIT.SUCCESS);
    assert.deepEqual(driver.calls.filter((c) => !c.startsWith('status')), ['on n1']);
  });

  it('delay applies to off and reboot, counted from the agent start, and not to status', async () => {
    const driver = fakeDriver({ n1: 'on' });
    const a = context(driver, { delayMs: 10_000, startedAt: 1_000_000 - 4_000 });
    await act('status', 'n1', a.ctx);
    assert.deepEqual(a.clock.slept, []);
    await act('off', 'n1', a.ctx);
    assert.equal(a.clock.slept[0], 6_000);
  });

  it('power_wait sleeps after the request, before polling', async () => {
    const driver = fakeDriver({ n1: 'on' });
    const { ctx, clock } = context(driver, { powerWaitMs: 2_500 });
    await act('off', 'n1', ctx);
    assert.deepEqual(clock.slept, [2_500]);
  });

  it('an infinite power_timeout (pacemaker-fenced) keeps polling past the default', async () => {
    const driver = fakeDriver({ n1: 'on' }, { offTakesPolls: 60 });
    const { ctx } = context(driver, { powerTimeoutMs: Number.POSITIVE_INFINITY });
    assert.equal(await act('off', 'n1', ctx), FENCE_EXIT.SUCCESS);
  });

  it('a status read failing during verification is retried until the timeout', async () => {
    const driver = fakeDriver({ n1: 'on' });
    let reads = 0;
    const realStatus = driver.status;
    driver.status = async (plug) => {
      reads++;
      if (reads === 2) throw new Error('busy');
      return realStatus(plug);
    };
    const { ctx, log } = context(driver);
    assert.equal(await act('off', 'n1', ctx), FENCE_EXIT.SUCCESS);
    assert.ok(log.lines.some((l) => l.includes('unreadable')));
  });

  it('list prints plug,alias; list-status adds the status, UNKNOWN when unreadable', async () => {
    const driver = fakeDriver({ n1: 'on', n2: 'off' });
    driver.list = async () => [{ plug: 'n1', alias: 'vm-1' }, { plug: 'n2' }, { plug: 'gone' }];
    const a = context(driver, { separator: ';' });
    assert.equal(await act('list', undefined, a.ctx), FENCE_EXIT.SUCCESS);
    assert.equal(await act('list-status', undefined, a.ctx), FENCE_EXIT.SUCCESS);
    assert.deepEqual(a.out, ['n1;vm-1', 'n2;', 'gone;', 'n1;vm-1;ON', 'n2;;OFF', 'gone;;UNKNOWN']);
  });

  it('monitor succeeds when the device lists, fails when it does not answer', async () => {
    const a = context(fakeDriver({ n1: 'on' }));
    assert.equal(await act('monitor', undefined, a.ctx), FENCE_EXIT.SUCCESS);
    const broken = fakeDriver({});
    broken.list = async () => {
      throw new Error('connection refused');
    };
    await assert.rejects(act('monitor', undefined, context(broken).ctx), (e: FenceFailure) => e.code === 'fence.driver');
  });
});
