/** OCF 1.1 exit codes (resource-agent-api 1.1, Pacemaker Administration). */
export const OCF = {
  SUCCESS: 0,
  ERR_GENERIC: 1,
  ERR_ARGS: 2,
  ERR_UNIMPLEMENTED: 3,
  ERR_PERM: 4,
  ERR_INSTALLED: 5,
  ERR_CONFIGURED: 6,
  NOT_RUNNING: 7,
  RUNNING_PROMOTED: 8,
  FAILED_PROMOTED: 9,
  DEGRADED: 190,
  DEGRADED_PROMOTED: 191,
} as const;

export type OcfExitCode = (typeof OCF)[keyof typeof OCF];

const NAMES = new Map<number, string>(Object.entries(OCF).map(([name, code]) => [code, `OCF_${name}`]));

export const ocfCodeName = (code: number): string => NAMES.get(code) ?? `unknown(${code})`;

/** An action's outcome other than success: an OCF exit code plus the reason Pacemaker shows. */
export class OcfError extends Error {
  constructor(
    readonly exitCode: OcfExitCode,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'OcfError';
  }
}

export const configError = (reason: string) => new OcfError(OCF.ERR_CONFIGURED, reason);
export const installError = (reason: string) => new OcfError(OCF.ERR_INSTALLED, reason);
export const argsError = (reason: string) => new OcfError(OCF.ERR_ARGS, reason);
export const genericError = (reason: string) => new OcfError(OCF.ERR_GENERIC, reason);
