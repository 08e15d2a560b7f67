import { killNetnsProcesses } from './kill.js';
import { deleteNetns, existingLabNetns, netnsInode } from './network.js';
import { isAlive } from './proc.js';
import { readAnchorRef, removeLabDir } from './state.js';

/**
 * Tears the lab down completely: every process in a lab namespace (daemons,
 * postgres, holders) killed, the anchor ended, the namespaces deleted (their
 * private mount namespaces die with their last process) and the lab dir
 * removed. Safe to run on a partial lab or none.
 */
export async function labDown(log: (line: string) => void): Promise<void> {
  for (const name of await existingLabNetns()) {
    const killed = await killNetnsProcesses(await netnsInode(name), name, 10_000);
    if (killed > 0) log(`${name}: killed ${killed} processes`);
  }
  const anchor = await readAnchorRef();
  if (anchor && (await isAlive(anchor))) process.kill(anchor.pid, 'SIGKILL');
  for (const name of await existingLabNetns()) {
    await deleteNetns(name);
    log(`${name}: deleted`);
  }
  await removeLabDir();
}
