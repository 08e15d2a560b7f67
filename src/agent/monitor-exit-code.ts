import { OCF, type OcfExitCode } from '../ocf/exit-codes.js';
import type { InstanceState } from '../pg/instance-state.js';

// PostgreSQL knowledge names the instance's state; which OCF code monitor
// answers for it is the agent's decision, so the mapping lives here.

/** The monitor exit code for a state (OCF has no "failed unpromoted" code: that is a generic error). */
export function monitorExitCode(state: InstanceState): OcfExitCode {
  switch (state) {
    case 'primary':
      return OCF.RUNNING_PROMOTED;
    case 'standby':
      return OCF.SUCCESS;
    case 'stopped':
    case 'no-data':
      return OCF.NOT_RUNNING;
    case 'crashed-primary':
      return OCF.FAILED_PROMOTED;
    case 'crashed-standby':
    case 'transitional':
    case 'unresponsive':
      return OCF.ERR_GENERIC;
  }
}
