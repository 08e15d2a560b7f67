import type { PowerDriver, PowerStatus } from '../driver.js';
import type { FenceDeviceFault } from '../../lab/fence-device.js';

/** The lab's power functions (src/lab/power.ts), injected so the driver is testable with a fake lab. */
export interface LabPower {
  labNodes(): Promise<string[]>;
  labPowerStatus(node: string): Promise<PowerStatus>;
  labPowerOff(node: string): Promise<void>;
  labPowerOn(node: string): Promise<void>;
  /** A broken device injected by a test (src/lab/fence-device.ts), or undefined. */
  fenceDeviceFault(): Promise<FenceDeviceFault | undefined>;
  /** Never returns (a hung device), keeping the agent's process alive until it is killed. */
  hang(): Promise<never>;
}

/**
 * Plugs are lab node names. Every operation first checks the name against the
 * running lab, so a misspelled plug is an error rather than an "Already OFF"
 * success; the node list is read once per agent run.
 */
export function makeLabDriver(power: LabPower): PowerDriver {
  let nodes: Promise<string[]> | undefined;
  const known = async (plug: string): Promise<string> => {
    nodes ??= power.labNodes();
    const names = await nodes.catch((error: unknown) => {
      nodes = undefined;
      throw error;
    });
    if (names.length === 0) throw new Error('no lab is running (pgha lab up)');
    if (!names.includes(plug)) throw new Error(`"${plug}" is not a lab node (lab nodes: ${names.join(', ')})`);
    return plug;
  };
  /** What the device does instead of `operation`, if it is broken; undefined when it works. */
  const broken = async (operation: 'status' | 'switch'): Promise<'skip' | undefined> => {
    const fault = await power.fenceDeviceFault();
    if (fault === 'fail') throw new Error('the lab fence device fails (an injected fault)');
    if (fault === 'hang') await power.hang();
    return fault === 'noop' && operation === 'switch' ? 'skip' : undefined;
  };
  return {
    status: async (plug) => {
      await broken('status');
      return power.labPowerStatus(await known(plug));
    },
    off: async (plug) => {
      if (!(await broken('switch'))) await power.labPowerOff(await known(plug));
    },
    on: async (plug) => {
      if (!(await broken('switch'))) await power.labPowerOn(await known(plug));
    },
    list: async () => (await power.labNodes()).map((plug) => ({ plug })),
    validate: async () => {
      await power.labNodes();
    },
  };
}
