import { execa, type ResultPromise } from 'execa';

/**
 * What systemd gives a service, and nothing of the caller's environment: every
 * agent and fence-agent process inherits the daemons' environment, and a
 * shell's NODE_EXTRA_CA_CERTS alone made each Node process 50 ms slower
 * (150 CA certificates parsed at start-up) than it is under systemd.
 */
export const SERVICE_ENV: Readonly<Record<string, string>> = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  LC_ALL: 'C',
};

/**
 * The only module that starts processes which outlive a run() call, and so the
 * only one using execa directly instead of src/exec/run.ts:
 * - node daemons (corosync, pacemakerd) and the namespace holders must keep
 *   running after `pgha lab up` or a fence agent's power-on exits, in their
 *   own session (detached), so Pacemaker killing a fence agent's process group
 *   on timeout, or the CLI exiting, does not take them down;
 * - the test writer streams events on stdout for as long as a test runs.
 * Neither has a natural timeout, which is why run() (always bounded) does not fit.
 */
export function launchDetached(file: string, args: readonly string[], env: Record<string, string> = {}): number {
  const child = execa(file, [...args], {
    detached: true,
    cleanup: false,
    stdio: 'ignore',
    reject: false,
    cwd: '/',
    env: { ...SERVICE_ENV, ...env },
    extendEnv: false,
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${file}`);
  child.unref();
  return pid;
}

/** A long-running child tied to this process, with stdout piped back line by line. */
export function launchStreaming(file: string, args: readonly string[], cwd: string): ResultPromise<{ reject: false; buffer: false; stdout: 'pipe'; stderr: 'inherit'; stdin: 'ignore'; cwd: string }> {
  return execa(file, [...args], { reject: false, buffer: false, stdout: 'pipe', stderr: 'inherit', stdin: 'ignore', cwd });
}
