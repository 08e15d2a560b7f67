/** Exit codes of the fence-agents API: status uses all three, every other action 0 or 1. */
export const FENCE_EXIT = {
  SUCCESS: 0,
  FAILURE: 1,
  /** `status` only: the plug is off. */
  OFF: 2,
} as const;

export type FenceExitCode = (typeof FENCE_EXIT)[keyof typeof FENCE_EXIT];

export type FenceFailureCode =
  | 'fence.usage'
  | 'fence.options'
  | 'fence.status'
  | 'fence.timeout_off'
  | 'fence.timeout_on'
  | 'fence.driver'
  | 'fence.list';

/** A failed action: a stable code for tests and the one line the operator reads. */
export class FenceFailure extends Error {
  constructor(
    readonly code: FenceFailureCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'FenceFailure';
  }
}
