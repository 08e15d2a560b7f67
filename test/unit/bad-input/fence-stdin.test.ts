import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defineFenceAgent, runFenceAgent } from '../../../src/fence/fence-agent.ts';
import { secretOption, stringOption } from '../../../src/fence/options/option-spec.ts';
import { fakeClock, fakeDriver } from '../fence/fakes.ts';

const SECRET = 'S3cret-Pa55';

/** A fence agent with a password option over a fake device, fed `stdin` as pacemaker-fenced would. */
async function invoke(stdin: string) {
  const driver = fakeDriver({ n1: 'on' });
  const agent = defineFenceAgent({
    version: '9.9.9',
    docs: { name: 'fence_test', shortdesc: 'Test agent', longdesc: 'A test agent with a password option.', vendorUrl: 'https://example.org' },
    options: {
      ip: stringOption({ shortdesc: 'Device address', short: 'a', valueName: 'ip', required: true, requiredFor: ['on', 'off', 'reboot', 'status'] }),
      password: secretOption({ shortdesc: 'Login password', short: 'p', aliases: ['passwd'] }),
    },
    makeDriver: () => driver,
  });
  const lines: string[] = [];
  const code = await runFenceAgent(agent, { argv: [], env: {}, readStdin: async () => stdin, out: (l) => lines.push(l), err: (l) => lines.push(l), clock: fakeClock() });
  return { code, output: lines.join('\n'), lines, driver };
}

describe('fence agent stdin garbage', () => {
  const garbage: [string, string, RegExp][] = [
    ['a password line without "="', `action=off\nip=h\nplug=n1\npassword ${SECRET}\ndelay=abc\n`, /delay: expected a number of seconds, got "abc"/],
    ['a huge invalid value', `action=off\nip=h\nplug=n1\npassword=${SECRET}\ndelay=${'9'.repeat(1_000_000)}x\n`, /delay: expected a number of seconds, got "9+\.\.\."/],
    ['control characters and escapes', `action=off\x1b[2K\nip=h\nplug=n1\n\x1b]0;owned\x07evil=1\npasswd=${SECRET}\n`, /action: expected one of/],
    ['binary junk', `\x00\xff\xfe${SECRET}\x00\n\u2028action=status\n`, /ip is required for action|expected one of/],
    ['an unknown key holding a secret', `action=off\nip=h\nplug=n1\npassword_typo ${SECRET}\nsecret=${SECRET}\npower_timeout=-1\n`, /power_timeout|./],
    ['a huge key', `action=status\n${'k'.repeat(200_000)}=1\n`, /ip is required/],
    ['shell metacharacters in the action', `action=$(reboot)\nip=h\nplug=n1\n`, /action: expected one of/],
  ];
  for (const [what, stdin, message] of garbage) {
    it(`${what}: exit 1 with a clear error, the device untouched, no secret, no control character, bounded lines`, async () => {
      const r = await invoke(stdin);
      assert.equal(r.code, 1, r.output);
      assert.match(r.output, message);
      assert.deepEqual(r.driver.calls.filter((c) => !c.startsWith('status')), [], 'no power action on invalid input');
      assert.equal(r.driver.plugs.get('n1'), 'on');
      assert.doesNotMatch(r.output, new RegExp(SECRET));
      assert.doesNotMatch(r.output, /[\x00-\x08\x0b-\x1f\x7f\u2028]/);
      for (const line of r.lines) assert.ok(Buffer.byteLength(line) <= 2_048, `a ${line.length}-character line`);
    });
  }
});
