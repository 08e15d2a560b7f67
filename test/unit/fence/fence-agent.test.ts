import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { defineFenceAgent, powerSettings, runFenceAgent } from '../../../src/fence/fence-agent.ts';
import { resolveOptions } from '../../../src/fence/input/resolve-options.ts';
import { secretOption, stringOption } from '../../../src/fence/options/option-spec.ts';
import { STANDARD_OPTIONS } from '../../../src/fence/options/standard-options.ts';
import { fakeClock, fakeDriver, type FakeDriver } from './fakes.ts';

const RNG = 'test/fixtures/fence-metadata.rng';
const hasXmllint = spawnSync('xmllint', ['--version']).status === 0;
const SECRET = 'Pa55-w0rd!xyz';

function testAgent(driver: FakeDriver) {
  let seenOptions: Record<string, unknown> | undefined;
  const agent = defineFenceAgent({
    version: '9.9.9',
    docs: { name: 'fence_test', shortdesc: 'Test agent', longdesc: 'A test agent with a password option.', vendorUrl: 'https://example.org' },
    options: {
      ip: stringOption({ shortdesc: 'Device address', short: 'a', valueName: 'ip', aliases: ['ipaddr'], required: true, requiredFor: ['on', 'off', 'reboot', 'status'] }),
      password: secretOption({ shortdesc: 'Login password', short: 'p', aliases: ['passwd'] }),
    },
    makeDriver: (options) => {
      seenOptions = { ...options };
      return driver;
    },
  });
  return { agent, options: () => seenOptions };
}

async function invoke(driver: FakeDriver, stdin: string, opts: { argv?: string[]; env?: Record<string, string> } = {}) {
  const { agent, options } = testAgent(driver);
  const out: string[] = [];
  const err: string[] = [];
  const code = await runFenceAgent(agent, {
    argv: opts.argv ?? [],
    env: opts.env ?? {},
    readStdin: async () => stdin,
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    clock: fakeClock(),
  });
  return { code, stdout: out.join('\n'), stderr: err.join('\n'), options: options() };
}

describe('runFenceAgent', () => {
  it('status over stdin: exit 0 when on, 2 when off, 1 when the plug is unknown', async () => {
    const driver = fakeDriver({ n1: 'on', n2: 'off' });
    assert.equal((await invoke(driver, 'action=status\nip=h\nport=n1\n')).code, 0);
    const off = await invoke(driver, 'action=status\nip=h\nplug=n2\n');
    assert.equal(off.code, 2);
    assert.equal(off.stdout, 'Status: OFF');
    const unknown = await invoke(driver, 'action=status\nip=h\nplug=n9\n');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /unknown plug n9/);
  });

  it('argv mode: -o off -n plug, and stdin is not read', async () => {
    const driver = fakeDriver({ n1: 'on' });
    const r = await invoke(driver, 'action=on\n', { argv: ['-o', 'off', '-n', 'n1', '-a', 'h'] });
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'Success: Powered OFF');
    assert.equal(driver.plugs.get('n1'), 'off');
  });

  it('the target comes from nodename when the fencer sends no plug', async () => {
    const driver = fakeDriver({ node2: 'on' });
    const r = await invoke(driver, 'action=off\nnodename=node2\nip=h\n');
    assert.equal(r.code, 0);
    assert.equal(driver.plugs.get('node2'), 'off');
  });

  it('off against a device that never confirms: exit 1 with the timeout reason', async () => {
    const driver = fakeDriver({ n1: 'on' }, { neverOff: true });
    const r = await invoke(driver, 'action=off\nip=h\nplug=n1\npower_timeout=3\n');
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /Timed out waiting to power OFF/);
  });

  it('an unknown action, a bad value or a missing required option: exit 1, nothing done', async () => {
    const driver = fakeDriver({ n1: 'on' });
    assert.equal((await invoke(driver, 'action=enable\nip=h\nplug=n1\n')).code, 1);
    const missing = await invoke(driver, 'action=off\nplug=n1\n');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /ip is required for action off/);
    assert.equal((await invoke(driver, '', { argv: ['--bogus'] })).code, 1);
    assert.deepEqual(driver.calls, []);
  });

  it('unknown stdin keys are warned about and ignored', async () => {
    const r = await invoke(fakeDriver({ n1: 'on' }), 'action=status\nip=h\nplug=n1\npcmk_weird=1\n');
    assert.equal(r.code, 0);
    assert.match(r.stderr, /WARNING: ignoring unknown option "pcmk_weird"/);
  });

  it('validate-all checks options without touching the device', async () => {
    const driver = fakeDriver({ n1: 'on' });
    assert.equal((await invoke(driver, 'action=validate-all\nip=h\nport=n1\nnodename=n1\n')).code, 0);
    assert.equal((await invoke(driver, 'action=validate-all\nip=h\ndelay=-3\n')).code, 1);
    assert.deepEqual(driver.calls, []);
  });

  it('passes typed options to the driver factory', async () => {
    const r = await invoke(fakeDriver({ n1: 'on' }), 'action=status\nipaddr=10.0.0.1\nplug=n1\npasswd=x\ndelay=2\n');
    assert.equal(r.options?.ip, '10.0.0.1');
    assert.equal(r.options?.password, 'x');
    assert.equal(r.options?.delay, 2);
  });

  it('a password never appears on stdout or stderr, even inside a driver error', async () => {
    const driver = fakeDriver({ n1: 'on' });
    driver.off = async () => {
      throw new Error(`login failed for admin with password ${SECRET} (password=${SECRET})`);
    };
    const r = await invoke(driver, `action=off\nip=h\nplug=n1\npassword=${SECRET}\nverbose=1\n`);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /login failed/);
    assert.ok(!`${r.stdout}${r.stderr}`.includes(SECRET), r.stderr);
    const cli = await invoke(driver, '', { argv: ['-o', 'off', '-n', 'n1', '-a', 'h', '-p', SECRET] });
    assert.ok(!`${cli.stdout}${cli.stderr}`.includes(SECRET));
    assert.match(cli.stderr, /visible to every user/);
  });

  it('metadata (and meta-data) works with any other input, is RNG-valid, and never shows a secret', { skip: !hasXmllint && 'xmllint not installed' }, async () => {
    for (const action of ['metadata', 'meta-data']) {
      const r = await invoke(fakeDriver({}), `action=${action}\npassword=${SECRET}\ndelay=junk\n`);
      assert.equal(r.code, 0);
      assert.ok(!r.stdout.includes(SECRET));
      const lint = spawnSync('xmllint', ['--noout', '--relaxng', RNG, '-'], { input: r.stdout, encoding: 'utf8' });
      assert.equal(lint.status, 0, lint.stderr);
      assert.match(r.stdout, /<parameter name="plug" unique="0" required="1" obsoletes="port">/);
      assert.match(r.stdout, /<parameter name="passwd" unique="0" required="0" deprecated="1">/);
      assert.match(r.stdout, /<action name="on" automatic="0"\/>/);
    }
  });

  it('manpage: troff section 8 with every option, no secret', async () => {
    const r = await invoke(fakeDriver({}), `action=manpage\npassword=${SECRET}\n`);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^\.TH FENCE_TEST 8 /);
    for (const flag of ['\\-n, \\-\\-plug=[id]', '\\-p, \\-\\-password=[password]', '\\-\\-power\\-timeout=[seconds]', 'Secret: never printed.']) {
      assert.ok(r.stdout.includes(flag), flag);
    }
    assert.ok(!r.stdout.includes(SECRET));
  });

  it('--help lists the options and exits 0', async () => {
    const r = await invoke(fakeDriver({}), '', { argv: ['-h'] });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /-n, --plug=\[id\]/);
  });
});

describe('powerSettings', () => {
  const options = (values: Record<string, string>) => resolveOptions({ values: { action: 'list', ...values }, warnings: [] }, STANDARD_OPTIONS).options;

  it('uses power_timeout outside Pacemaker', () => {
    assert.equal(powerSettings(options({ power_timeout: '7' }), {}, 0).powerTimeoutMs, 7_000);
  });

  it('disables the agent timeout under pacemaker-fenced, unless disable_timeout=0', () => {
    const fenced = { PCMK_service: 'pacemaker-fenced' };
    assert.equal(powerSettings(options({}), fenced, 0).powerTimeoutMs, Number.POSITIVE_INFINITY);
    assert.equal(powerSettings(options({ disable_timeout: 'false', power_timeout: '9' }), fenced, 0).powerTimeoutMs, 9_000);
    assert.equal(powerSettings(options({ disable_timeout: '1' }), { PCMK_service: 'stonith_admin' }, 0).powerTimeoutMs, Number.POSITIVE_INFINITY);
    assert.equal(powerSettings(options({}), { PCMK_service: 'stonith_admin' }, 0).powerTimeoutMs, 20_000);
  });

  it('converts delay, power_wait and status sleep to milliseconds', () => {
    const s = powerSettings(options({ delay: '15', power_wait: '2', stonith_status_sleep: '0.5', retry_on: '3' }), {}, 42);
    assert.deepEqual([s.delayMs, s.powerWaitMs, s.statusSleepMs, s.onAttempts, s.startedAt], [15_000, 2_000, 500, 3, 42]);
  });
});

