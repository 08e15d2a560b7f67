import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseArgvOptions, UsageError } from '../../../src/fence/input/parse-argv.ts';
import { parseStdinOptions } from '../../../src/fence/input/parse-stdin.ts';
import { InvalidOptions, resolveOptions } from '../../../src/fence/input/resolve-options.ts';
import { secretOption, stringOption } from '../../../src/fence/options/option-spec.ts';
import { STANDARD_OPTIONS } from '../../../src/fence/options/standard-options.ts';

const REGISTRY = {
  ...STANDARD_OPTIONS,
  ip: stringOption({ shortdesc: 'IP address', short: 'a', valueName: 'ip', aliases: ['ipaddr'], required: true, requiredFor: ['on', 'off', 'reboot', 'status', 'monitor', 'list'] }),
  password: secretOption({ shortdesc: 'Login password', short: 'p', aliases: ['passwd'] }),
};

describe('parseStdinOptions', () => {
  it('reads what pacemaker-fenced sends: comments, blanks, aliases, -/_ alike, last value wins', () => {
    const input = [
      '# sent by the fencer',
      '',
      'action=off',
      'nodename=node2',
      'nodeid=2',
      'port=node2-vm',
      'power-timeout=30',
      'ipaddr=192.0.2.1',
      'ip="192.0.2.9"',
      '  retry_on=2  ',
      'option=reboot',
    ].join('\n');
    const { values, warnings } = parseStdinOptions(input, REGISTRY);
    assert.deepEqual(values, {
      action: 'reboot',
      nodename: 'node2',
      nodeid: '2',
      plug: 'node2-vm',
      power_timeout: '30',
      ip: '192.0.2.9',
      retry_on: '2',
    });
    assert.deepEqual(warnings, []);
  });

  it('warns about unknown keys by name only, never echoing their value', () => {
    const { values, warnings } = parseStdinOptions('action=status\nsecret_token=hunter2\nbogus\n', REGISTRY);
    assert.deepEqual(values, { action: 'status' });
    assert.equal(warnings.length, 2);
    assert.match(warnings[0]!, /unknown option "secret_token"/);
    assert.ok(warnings.every((w) => !w.includes('hunter2')));
  });

  it('keeps a value containing "=" and handles CRLF line ends', () => {
    const { values } = parseStdinOptions('password=a=b=c\r\naction=on\r\n', REGISTRY);
    assert.deepEqual(values, { password: 'a=b=c', action: 'on' });
  });
});

describe('parseArgvOptions', () => {
  it('reads fencing.py-style short and long flags', () => {
    const { values } = parseArgvOptions(['-o', 'off', '-nnode1', '--ip=192.0.2.1', '--power-timeout', '5', '-vq', '--port', 'node3'], REGISTRY);
    assert.deepEqual(values, { action: 'off', plug: 'node3', ip: '192.0.2.1', power_timeout: '5', verbose: '1', quiet: '1' });
  });

  it('accepts --action=, --option= and underscores in long flags', () => {
    assert.deepEqual(parseArgvOptions(['--option=status', '--retry_on=3'], REGISTRY).values, { action: 'status', retry_on: '3' });
  });

  it('rejects unknown flags, positional words and a missing value', () => {
    assert.throws(() => parseArgvOptions(['--nope'], REGISTRY), UsageError);
    assert.throws(() => parseArgvOptions(['-Z'], REGISTRY), UsageError);
    assert.throws(() => parseArgvOptions(['off'], REGISTRY), UsageError);
    assert.throws(() => parseArgvOptions(['-o'], REGISTRY), /needs a value/);
  });

  it('warns that a password on the command line is visible, without printing it', () => {
    const { warnings } = parseArgvOptions(['-p', 's3cret', '-o', 'status'], REGISTRY);
    assert.equal(warnings.length, 1);
    assert.ok(!warnings[0]!.includes('s3cret'));
  });
});

describe('resolveOptions', () => {
  const resolve = (values: Record<string, string>) => resolveOptions({ values, warnings: [] }, REGISTRY);

  it('applies defaults and types every value', () => {
    const input = resolve({ action: 'off', plug: 'n1', ip: 'h', power_timeout: '7.5', verbose: 'yes' });
    assert.equal(input.action, 'off');
    assert.equal(input.target, 'n1');
    assert.equal(input.options.power_timeout, 7.5);
    assert.equal(input.options.delay, 0);
    assert.equal(input.options.retry_on, 1);
    assert.equal(input.options.verbose, true);
    assert.equal(input.options.quiet, false);
    assert.equal(input.options.separator, ',');
  });

  it('defaults to reboot, maps meta-data to metadata', () => {
    assert.equal(resolve({ plug: 'n1', ip: 'h' }).action, 'reboot');
    assert.equal(resolve({ action: 'meta-data' }).action, 'metadata');
  });

  it('falls back to nodename when no plug is given; plug wins over nodename', () => {
    assert.equal(resolve({ action: 'off', nodename: 'node2', ip: 'h' }).target, 'node2');
    assert.equal(resolve({ action: 'off', nodename: 'node2', plug: 'vm2', ip: 'h' }).target, 'vm2');
  });

  it('requires a plug for targeted actions only', () => {
    assert.throws(() => resolve({ action: 'off', ip: 'h' }), (e: InvalidOptions) => e.problems.includes('plug is required for action off'));
    assert.equal(resolve({ action: 'list', ip: 'h' }).target, undefined);
  });

  it('reports every bad value by option name, in one error', () => {
    assert.throws(
      () => resolve({ action: 'explode', plug: 'n1', ip: 'h', delay: 'soon', retry_on: '0', verbose: 'maybe' }),
      (e: InvalidOptions) =>
        e.problems.length === 4 &&
        e.problems.some((p) => p.startsWith('action: expected one of')) &&
        e.problems.some((p) => p === 'delay: expected a number of seconds, got "soon"') &&
        e.problems.some((p) => p.startsWith('retry_on: expected an integer >= 1')) &&
        e.problems.some((p) => p.startsWith('verbose: expected yes/no')),
    );
  });
});
