import type { Logger } from '../ocf/log.js';

/** The instance a rejoin works on: the agent's parameters or the CLI's flags, same meaning. */
export interface RejoinTarget {
  bindir: string;
  pgdata: string;
  datadir: string;
  systemUser: string;
  node: string;
  archiveDir: string;
  archiveMaxBytes: number;
  log: Logger;
}
