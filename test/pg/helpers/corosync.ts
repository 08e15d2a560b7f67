import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Stand-ins for corosync-cmapctl and corosync-quorumtool, for tests against
 * real PostgreSQL without a cluster: they print what corosync's own print
 * (totem timeouts; "Quorate: Yes|No", exit 0 or 2). `setQuorate` switches the
 * answer. Prepend `bin` to the agent's PATH.
 */
export async function fakeCorosync(dir: string, timeouts = { token: 300, consensus: 360, join: 50 }): Promise<{ bin: string; setQuorate(quorate: boolean): Promise<void> }> {
  const bin = join(dir, 'fake-corosync-bin');
  const state = join(dir, 'fake-corosync-quorate');
  await mkdir(bin, { recursive: true });
  const script = async (name: string, body: string) => {
    await writeFile(join(bin, name), `#!/bin/sh\n${body}\n`);
    await chmod(join(bin, name), 0o755);
  };
  await script(
    'corosync-cmapctl',
    [
      `echo 'runtime.config.totem.consensus (u32) = ${timeouts.consensus}'`,
      `echo 'runtime.config.totem.join (u32) = ${timeouts.join}'`,
      `echo 'runtime.config.totem.token (u32) = ${timeouts.token}'`,
    ].join('\n'),
  );
  await script('corosync-quorumtool', `q=$(cat '${state}')\necho "Quorum information"\necho "Quorate:          $q"\n[ "$q" = Yes ]  || exit 2`);
  const setQuorate = (quorate: boolean) => writeFile(state, quorate ? 'Yes' : 'No');
  await setQuorate(true);
  return { bin, setQuorate };
}
