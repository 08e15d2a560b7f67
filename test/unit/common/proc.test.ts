import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLiveProcess, isLiveState, parseProcStat } from '../../../src/common/proc.ts';

describe('/proc parsing', () => {
  it('reads state and start time even with spaces and parentheses in the command name', () => {
    const fields = ['S', ...Array.from({ length: 18 }, (_, i) => String(i)), '123456', '0'];
    const s = parseProcStat(`4242 (postgres: x (y)) ${fields.join(' ')}`);
    assert.equal(s.state, 'S');
    assert.equal(s.startTime, '123456');
    assert.throws(() => parseProcStat('no command name'));
  });

  it('treats zombies and the gone as dead', () => {
    assert.equal(isLiveState('Z'), false);
    assert.equal(isLiveState('X'), false);
    assert.equal(isLiveState(undefined), false);
    assert.equal(isLiveState('S'), true);
    assert.equal(isLiveState('T'), true, 'a stopped process still holds its resources');
  });

  it('this process is alive; a pid past pid_max is not', async () => {
    assert.equal(await isLiveProcess(process.pid), true);
    assert.equal(await isLiveProcess(2 ** 22 + 1), false);
  });
});
