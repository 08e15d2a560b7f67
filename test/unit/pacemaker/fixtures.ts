import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunOptions, RunResult } from '../../../src/exec/run.js';

const DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'pacemaker');
export const fixture = (name: string) => readFileSync(join(DIR, name), 'utf8');

export const ok = (command: string, stdout: string): RunResult => ({ command, exitCode: 0, stdout, stderr: '', timedOut: false });

/** A runner answering crm_mon / cibadmin / corosync-cmapctl from fixtures; records every call. */
export function fixtureRunner(scenario: string, extra: Record<string, RunResult> = {}) {
  const calls: string[] = [];
  const runner = async (file: string, args: readonly string[], _options?: RunOptions): Promise<RunResult> => {
    const command = [file, ...args].join(' ');
    calls.push(command);
    if (extra[command]) return extra[command]!;
    if (file === 'crm_mon') return ok(command, fixture(`${scenario}.crm_mon.xml`));
    if (file === 'cibadmin') return ok(command, fixture(`${scenario}.cib.xml`));
    if (file === 'corosync-cmapctl') {
      return ok(command, ['node1', 'node2', 'node3'].flatMap((n, i) => [
        `nodelist.node.${i}.name (str) = ${n}`, `nodelist.node.${i}.nodeid (u32) = ${i + 1}`, `nodelist.node.${i}.ring0_addr (str) = 10.20.0.${11 + i}`,
      ]).join('\n'));
    }
    return { command, exitCode: 127, stdout: '', stderr: `${file}: not faked`, timedOut: false };
  };
  return { runner, calls };
}
