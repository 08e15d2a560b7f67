import type { OcfEnvironment } from '../ocf/environment.js';
import type { Logger } from '../ocf/log.js';
import type { PgCtlTarget } from '../pg/pg-ctl.js';
import type { ConnectionTarget } from '../pg/sql.js';
import { localNodeName } from '../pacemaker/attributes.js';
import { hostname } from 'node:os';
import { parseParams, unknownParameters, type AgentParams } from './params.js';

/** Everything an action needs, built once per process. */
export interface AgentContext {
  env: OcfEnvironment;
  params: AgentParams;
  log: Logger;
  /** This node's name as Pacemaker knows it (application_name of its WAL receiver). */
  node: string;
  pgctl: PgCtlTarget;
  connection: ConnectionTarget;
}

export async function buildContext(env: OcfEnvironment, log: Logger): Promise<AgentContext> {
  const params = parseParams(env.params, env.instance);
  for (const unknown of unknownParameters(env.params)) log.warning(`unknown parameter ${unknown}: ignored`);
  return {
    env,
    params,
    log,
    // The scheduler passes on_node to clone actions; crm_node only when run another way.
    node: env.meta.on_node || (await localNodeName()) || hostname(),
    pgctl: {
      bindir: params.bindir,
      pgdata: params.pgdata,
      datadir: params.datadir,
      user: params.systemUser,
      logfile: params.logfile,
      startOptions: params.startOptions,
    },
    connection: { host: params.pghost, port: params.pgport, user: params.systemUser, connectTimeoutMs: 3_000 },
  };
}
