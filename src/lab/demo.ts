import { pollUntil, Deadline } from '../exec/deadline.js';
import { run } from '../exec/run.js';
import { crmMonText, waitForCluster } from './cluster-watch.js';
import { CLIENT_NETNS, PG_PORT, VIP } from './layout.js';
import { labUp } from './lab-up.js';
import { labPowerOff } from './power.js';
import { readLabState } from './state.js';

/**
 * The README's demo: a lab cluster (brought up if none runs), the primary
 * node crashed at once (every process killed, as pulling its plug), and the
 * time until a client in its own namespace writes through the VIP again.
 */
export async function labDemo(log: (line: string) => void, out: (text: string) => void): Promise<void> {
  if (!(await readLabState())) await labUp({ nodes: 3, agent: 'pgha', log });
  const before = await waitForCluster('one primary holding the VIP, and its standbys', 180_000, (s) => s.promoted.length === 1 && s.vip.length === 1 && s.unpromoted.length >= 1);
  const primary = before.promoted[0]!;
  await clientSql('CREATE TABLE IF NOT EXISTS pgha_demo (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())');
  out(`${await crmMonText()}\n`);
  out(`Crashing the primary, ${primary}: every process of the node is killed at once.\n`);
  const crashedAt = Date.now();
  await labPowerOff(primary);
  const written = await pollUntil(Deadline.after(120_000), 200, async () => {
    const r = await clientSql('INSERT INTO pgha_demo DEFAULT VALUES RETURNING id');
    return r.exitCode === 0 ? r.stdout : undefined;
  });
  if (written === undefined) throw new Error('writes did not come back within 120 s: see pgha lab status');
  out(`Writes through the VIP (${VIP}) are accepted again ${((Date.now() - crashedAt) / 1000).toFixed(1)} s after the crash.\n`);
  const after = await waitForCluster('a new primary holding the VIP', 60_000, (s) => s.promoted.length === 1 && s.promoted[0] !== primary && s.vip.length === 1);
  out(`${await crmMonText(after.promoted[0])}\n`);
  out(`${primary} was fenced and stays off. "pgha lab rebuild ${primary}" brings it back as a standby; "pgha lab down" removes the lab.\n`);
}

/** One statement from the client namespace through the VIP (the lab trusts its own subnet). */
function clientSql(sql: string) {
  return run('ip', ['netns', 'exec', CLIENT_NETNS, 'psql', '-X', '-At', '-h', VIP, '-p', String(PG_PORT), '-U', 'postgres', '-d', 'postgres', '-c', sql], {
    timeoutMs: 4_000,
    env: { PGCONNECT_TIMEOUT: '2' },
  });
}
