import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { getProcessDeadline } from './run.js';

/**
 * Whether this process may change its own credentials (seteuid/setegid).
 * Node refuses when its libuv may use io_uring (CVE-2024-22017): so it does
 * with a shared libuv of 1.45 or later, as Debian 13's nodejs has. A no-op
 * switch to the current gid tells, without changing anything.
 */
export function canSwitchCredentials(): boolean {
  try {
    process.setegid!(process.getegid!());
    return true;
  } catch {
    return false;
  }
}

const CHILD_START_MS = 5_000;

// Runs under the user: connects, hands the connected socket to the parent over the IPC channel (SCM_RIGHTS), exits.
const CONNECT_AND_SEND = `const s = require('node:net').connect(process.argv[1]);
s.on('connect', () => process.send('connected', s, () => process.disconnect()));
s.on('error', (e) => process.send({ error: e.message }, () => process.disconnect()));`;

/**
 * A Unix-domain socket connected by a child process running as `user`, so
 * that the server's peer credentials (SO_PEERCRED, taken at connect time)
 * are that user's, for when this process cannot switch its own.
 */
export function connectUnixSocketAs(path: string, user: string, timeoutMs: number): Promise<Socket> {
  // The child's own start-up (tens of ms, seconds on a loaded machine) is not the server's delay.
  const budget = Math.max(100, Math.min(timeoutMs + CHILD_START_MS, getProcessDeadline().remainingMs() - 500));
  return new Promise((resolve, reject) => {
    const child = spawn('setpriv', ['--reuid', user, '--regid', user, '--init-groups', '--', process.execPath, '-e', CONNECT_AND_SEND, path], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin' },
      timeout: budget,
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('message', (message: unknown, handle: unknown) => {
      if (handle) resolve(handle as Socket);
      else reject(new Error(`connecting to ${path} as ${user}: ${(message as { error?: string }).error ?? 'no socket received'}`));
    });
    child.on('error', reject);
    // After a resolve or reject, this one changes nothing.
    child.on('exit', (code, signal) => reject(new Error(`connecting to ${path} as ${user} failed (${signal ?? `exit ${code}`}): ${stderr.trim() || 'no socket received'}`)));
  });
}

/** A socket connected elsewhere, for a client that calls connect() on its stream (pg does): that only reports it connected. */
export function adoptConnectedSocket(socket: Socket): Socket {
  socket.connect = (() => {
    process.nextTick(() => socket.emit('connect'));
    return socket;
  }) as Socket['connect'];
  return socket;
}
