import type { PowerDriver, PowerStatus } from '../driver.js';

/** The lab's power functions (src/lab/power.ts), injected so the driver is testable with a fake lab. */
export interface LabPower {
  labNodes(): Promise<string[]>;
  labPowerStatus(node: string): Promise<PowerStatus>;
  labPowerOff(node: string): Promise<void>;
  labPowerOn(node: string): Promise<void>;
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
  return {
    status: async (plug) => power.labPowerStatus(await known(plug)),
    off: async (plug) => power.labPowerOff(await known(plug)),
    on: async (plug) => power.labPowerOn(await known(plug)),
    list: async () => (await power.labNodes()).map((plug) => ({ plug })),
    validate: async () => {
      await power.labNodes();
    },
  };
}
