import { CliError, EXIT, rethrowClusterToolError } from '../errors.js';
import { OcfError } from '../../ocf/exit-codes.js';
import type { Runner } from '../../exec/run.js';
import { findPgResource, type CibPgResource } from '../../pacemaker/cib.js';
import { readCib, readCrmMon, resolveAddresses } from '../../pacemaker/cluster-tools.js';
import type { PgProbe, PgTarget } from '../../pg/pg-probe.js';
import { buildClusterStatus, type ClusterStatus, type StatusInput } from './status-model.js';

export interface GatherOptions {
  runner: Runner;
  probe: (target: PgTarget, timeoutMs: number) => Promise<PgProbe>;
  /** --resource: the primitive (or clone) id; default, the only ocf:pgha:postgresql resource. */
  resource?: string;
  hosts: Map<string, string>;
  /** Per-node PostgreSQL connect + query timeout. */
  pgTimeoutMs: number;
}

/** What buildStatus was given, and what it made of it. */
export interface Snapshot extends StatusInput {
  status: ClusterStatus;
}

/** Where the agent's PostgreSQL listens, from the resource's instance attributes (PAF names). */
export function pgTargetFor(resource: CibPgResource, address: string): PgTarget {
  return {
    host: address,
    port: Number(resource.params['pgport'] ?? 5432),
    user: resource.params['system_user'] ?? 'postgres',
    database: 'postgres',
  };
}

/** One consistent look at the cluster: crm_mon, the CIB, then every node's PostgreSQL in parallel. */
export async function takeSnapshot(options: GatherOptions): Promise<Snapshot> {
  const mon = await readCrmMon(options.runner).catch(rethrowClusterToolError);
  const cib = await readCib(options.runner).catch(rethrowClusterToolError);
  let resource: CibPgResource;
  try {
    resource = findPgResource(cib, options.resource);
  } catch (error) {
    throw new CliError((error as Error).message, EXIT.FAILED);
  }
  const names = mon.nodes.length > 0 ? mon.nodes.map((n) => n.name) : cib.nodes.map((n) => n.uname);
  const addresses = await resolveAddresses(options.runner, names, options.hosts);
  const probes = new Map(
    await Promise.all(
      names.map(async (name) => [name, await options.probe(pgTargetFor(resource, addresses.get(name)!), options.pgTimeoutMs)] as const),
    ),
  );
  const input = { mon, cib, resource, addresses, probes };
  try {
    return { ...input, status: buildClusterStatus(input) };
  } catch (error) {
    // An invalid sync_mode / sync_count: the agent fails on it too, and this says which.
    if (error instanceof OcfError) throw new CliError(`resource ${resource.primitiveId}: ${error.message}`, EXIT.FAILED);
    throw error;
  }
}
