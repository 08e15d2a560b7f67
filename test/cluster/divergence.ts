import { sqlOnNode } from '../../src/lab/cluster-ops.js';
import { waitForNewPrimary, waitForStreaming } from '../../src/lab/cluster-watch.js';
import { blockReplication } from '../../src/lab/faults.js';
import { labNodes, labPowerOff } from '../../src/lab/power.js';
import { log } from './harness.js';

/**
 * The primary writes 1000 rows no standby receives, then its node crashes
 * and stays off; returns once a standby took over. The old primary's history
 * has forked from the new primary's.
 */
export async function divergeAndCrash(oldPrimary: string): Promise<{ newPrimary: string; replicated: number }> {
  const standbys = (await labNodes()).filter((n) => n !== oldPrimary);
  await sqlOnNode(oldPrimary, 'CREATE TABLE IF NOT EXISTS rejoin_probe (n int)');
  await waitForStreaming(oldPrimary, await labNodes(), 30_000);
  const replicated = Number(await sqlOnNode(oldPrimary, 'SELECT count(*) FROM rejoin_probe'));
  for (const standby of standbys) await blockReplication(standby, true);
  try {
    await sqlOnNode(oldPrimary, 'INSERT INTO rejoin_probe SELECT generate_series(1, 1000)');
    log(`1000 rows written on ${oldPrimary} that no standby receives; crashing it`);
    await labPowerOff(oldPrimary);
  } finally {
    for (const standby of standbys) await blockReplication(standby, false);
  }
  return { newPrimary: await waitForNewPrimary(oldPrimary), replicated };
}

