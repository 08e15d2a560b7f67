import { chmod, chown, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { corosyncConf } from './corosync-conf.js';
import type { LabNodeLayout } from './layout.js';
import type { LabPostgres } from './lab-postgres.js';
import { hostPathOf, privateDirs, privateMounts } from './node-fs.js';
import { groupId, userInfo } from './users.js';

/** Creates a node's private directories on the host, owned as the daemons expect, and its corosync.conf. */
export async function buildNodeDirs(node: LabNodeLayout, all: readonly LabNodeLayout[], pg: LabPostgres): Promise<void> {
  for (const m of privateMounts(node.name)) await mkdir(m.source, { recursive: true });
  for (const d of privateDirs(pg)) {
    const path = hostPathOf(node.name, d.path);
    await mkdir(path, { recursive: true });
    await chown(path, (await userInfo(d.owner)).uid, await groupId(d.group));
    await chmod(path, d.mode);
  }
  await writeFile(join(hostPathOf(node.name, '/etc/corosync'), 'corosync.conf'), corosyncConf(all));
}
