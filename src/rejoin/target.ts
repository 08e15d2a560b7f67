import type { Logger } from '../ocf/log.js';

/** The instance a rejoin works on: the agent's parameters or the CLI's flags, same meaning. */
export interface RejoinTarget {
  bindir: string;
  pgdata: string;
  datadir: string;
  /** start_opts: postgres -C needs them to find the configuration files as the server will. */
  startOptions: string;
  systemUser: string;
  node: string;
  archiveDir: string;
  archiveMaxBytes: number;
  log: Logger;
}
