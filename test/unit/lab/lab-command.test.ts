import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CommanderError, type Command } from 'commander';
import { makeLabCommand } from '../../../src/cli/lab/lab.ts';

/** Parses `pgha lab <args>` without running anything: errors surface as CommanderError. */
function parse(args: string[]): CommanderError | undefined {
  const lab = makeLabCommand();
  const quiet = (cmd: Command) => {
    cmd.exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
    for (const sub of cmd.commands) {
      quiet(sub);
      // Replace the action so a valid command line does nothing here.
      sub.action(() => undefined);
    }
  };
  quiet(lab);
  try {
    lab.parse(args, { from: 'user' });
    return undefined;
  } catch (error) {
    if (error instanceof CommanderError) return error;
    throw error;
  }
}

describe('pgha lab command line', () => {
  it('accepts the documented forms', () => {
    assert.equal(parse(['up']), undefined);
    assert.equal(parse(['up', '--nodes', '5', '--agent', 'pgha', '--no-build']), undefined);
    assert.equal(parse(['up', '--pg-version', '17']), undefined);
    assert.equal(parse(['exec', 'node2', '--', 'crm_mon', '-1']), undefined);
    assert.equal(parse(['power-off', 'node1']), undefined);
    assert.equal(parse(['net-restore', 'node3']), undefined);
  });

  it('rejects bad flags and arguments as usage errors', () => {
    assert.equal(parse(['up', '--nodes', '1'])?.code, 'commander.invalidArgument');
    assert.equal(parse(['up', '--nodes', 'three'])?.code, 'commander.invalidArgument');
    assert.equal(parse(['up', '--agent', 'pgsql'])?.code, 'commander.invalidArgument');
    assert.equal(parse(['up', '--bogus'])?.code, 'commander.unknownOption');
    for (const bad of ['17.2', 'latest', '']) assert.equal(parse(['up', '--pg-version', bad])?.code, 'commander.invalidArgument', bad);
    assert.equal(parse(['power-off'])?.code, 'commander.missingArgument');
    assert.equal(parse(['reboot', 'node1'])?.code, 'commander.unknownCommand');
  });
});
