import { ClusterToolError, type ClusterToolFailure } from '../pacemaker/cluster-tools.js';

/** An expected failure of a CLI command: printed as one line, no stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Exit codes shared by every pgha command. */
export const EXIT = {
  OK: 0,
  FAILED: 1,
  USAGE: 2,
  /** A check (fence verify, switchover pre-checks) found a problem. */
  CHECK_FAILED: 3,
  /** The cluster or a node could not be reached. */
  UNREACHABLE: 4,
  /** Needs root. */
  PERMISSION: 5,
} as const;

const CLUSTER_TOOL_EXIT: Record<ClusterToolFailure, number> = { permission: EXIT.PERMISSION, unreachable: EXIT.UNREACHABLE, failed: EXIT.FAILED };

/** A failed Pacemaker tool becomes the CLI error for its cause; any other error passes on as it is. */
export function rethrowClusterToolError(error: unknown): never {
  throw error instanceof ClusterToolError ? new CliError(error.message, CLUSTER_TOOL_EXIT[error.failure]) : error;
}
