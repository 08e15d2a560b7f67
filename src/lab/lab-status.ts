import { crmMonText } from './cluster-watch.js';
import { labPowerStatus } from './power.js';
import { readLabState } from './state.js';
import { nodeLinkUp } from './network.js';

/** `pgha lab status`: one line per node (power, link), then crm_mon. */
export async function labStatusText(): Promise<string> {
  const state = await readLabState();
  if (!state) return 'no lab is running';
  const lines = [`lab: ${state.nodes.length} nodes, agent ${state.agent}, created ${state.createdAt}`];
  for (const node of state.nodes) {
    const link = (await nodeLinkUp(node)) ? 'link up' : 'link DOWN';
    lines.push(`  ${node.name}  ${node.ip}  power ${await labPowerStatus(node.name)}  ${link}`);
  }
  lines.push('', await crmMonText());
  return lines.join('\n');
}
