import { sleep } from '../exec/deadline.js';
import { liveProcessesInNetns } from './proc.js';

/**
 * SIGKILL every process of a network namespace at once, repeated until /proc
 * shows none alive (zombies count as dead), within `limitMs`.
 */
export async function killNetnsProcesses(inode: number, what: string, limitMs = 5_000): Promise<number> {
  const end = Date.now() + limitMs;
  let killed = 0;
  for (;;) {
    const pids = await liveProcessesInNetns(inode);
    if (pids.length === 0) return killed;
    if (Date.now() > end) throw new Error(`${what}: processes still alive after SIGKILL: ${pids.join(' ')}`);
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
        killed += 1;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
    }
    await sleep(50);
  }
}
