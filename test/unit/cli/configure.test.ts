import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CommanderError } from 'commander';
import type { RunOptions, RunResult } from '../../../src/exec/run.js';
import { configureAction, makeConfigureCommand } from '../../../src/cli/configure/configure.js';
import { CliError, EXIT } from '../../../src/cli/errors.js';

const raw = {
  nodes: 'node1,node2,node3', vip: '10.20.0.100/24', pgdata: '/etc/postgresql/15/main', bindir: '/usr/lib/postgresql/15/bin',
  resource: 'pgsqld', tool: 'pcs', monitorInterval: '10',
};

function recorder(failAt?: number) {
  const calls: { file: string; args: readonly string[]; options?: RunOptions }[] = [];
  const runner = async (file: string, args: readonly string[], options?: RunOptions): Promise<RunResult> => {
    calls.push({ file, args, options });
    const failed = calls.length === failAt;
    return { command: [file, ...args].join(' '), exitCode: failed ? 1 : 0, stdout: '', stderr: failed ? 'Error: unable to create resource' : '', timedOut: false };
  };
  return { calls, runner };
}

test('without --apply: prints the plan and runs nothing', async () => {
  const out: string[] = [];
  const { calls, runner } = recorder();
  await configureAction(raw, { out: (t) => out.push(t), runner });
  assert.equal(calls.length, 0);
  const lines = out.join('').trimEnd().split('\n');
  assert.equal(lines.length, 10);
  assert.equal(lines[0], 'pcs cluster cib pgha-cib.xml');
});

test('--apply runs every command in order on a private CIB copy, then pushes it', async () => {
  const out: string[] = [];
  const { calls, runner } = recorder();
  await configureAction({ ...raw, apply: true }, { out: (t) => out.push(t), runner });
  assert.equal(calls.length, 10);
  const cib = calls[0]!.args[2]!;
  assert.match(cib, /\/pgha-configure-[^/]+\/cib\.xml$/);
  assert.ok(calls.slice(1, -1).every((c) => c.file === 'pcs' && c.args[0] === '-f' && c.args[1] === cib));
  assert.deepEqual(calls.at(-1)!.args, ['cluster', 'cib-push', cib, '--config']);
  assert.ok(calls.every((c) => (c.options?.timeoutMs ?? 0) > 0));
  assert.equal(out.filter((l) => l.startsWith('+ ')).length, 10);
});

test('--apply stops at the first failure and reports its output', async () => {
  const { calls, runner } = recorder(4);
  await assert.rejects(configureAction({ ...raw, apply: true }, { out: () => {}, runner }), (error: unknown) => {
    assert.ok(error instanceof CliError);
    assert.equal(error.exitCode, EXIT.FAILED);
    assert.match(error.message, /nothing was pushed.*pcs -f .* exited 1:\nError: unable to create resource/s);
    return true;
  });
  assert.equal(calls.length, 4);
  assert.ok(!calls.some((c) => c.args.includes('cib-push')));
});

test('--apply with crm feeds the script on stdin', async () => {
  const { calls, runner } = recorder();
  await configureAction({ ...raw, tool: 'crm', apply: true }, { out: () => {}, runner });
  assert.equal(calls.length, 1);
  assert.deepEqual([calls[0]!.file, ...calls[0]!.args], ['crm', 'configure']);
  assert.match(calls[0]!.options!.input!, /^primitive pgsqld ocf:pgha:postgresql /m);
});

test('a bad value is a usage error (EXIT.USAGE) naming the flag', async () => {
  const { runner } = recorder();
  await assert.rejects(configureAction({ ...raw, pgport: 'abc' }, { out: () => {}, runner }), (error: unknown) => {
    assert.ok(error instanceof CliError);
    assert.equal(error.exitCode, EXIT.USAGE);
    assert.match(error.message, /--pgport: /);
    return true;
  });
});

test('commander: a missing required flag or a bad --tool throws a CommanderError, not process.exit', async () => {
  const parse = (args: string[]) => {
    const command = makeConfigureCommand().configureOutput({ writeErr: () => {}, writeOut: () => {} });
    return command.parseAsync(args, { from: 'user' });
  };
  await assert.rejects(parse(['--nodes', 'a,b', '--pgdata', '/d']), (e: unknown) => e instanceof CommanderError && e.exitCode !== 0);
  await assert.rejects(parse(['--nodes', 'a,b', '--pgdata', '/d', '--bindir', '/b', '--tool', 'x']), (e: unknown) => e instanceof CommanderError);
});
