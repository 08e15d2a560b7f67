import { stat } from 'node:fs/promises';
import { run, runChecked } from '../exec/run.js';
import { BRIDGE, CLIENT_IP, CLIENT_NETNS, LAB_PREFIX, NODE_NIC, SWITCH_NETNS, type LabNodeLayout } from './layout.js';

/**
 * The lab network: a bridge in its own "switch" namespace, one veth per node
 * (switch end p-nodeN, node end eth0) and one for the client. Both veth ends
 * are created directly in lab namespaces: nothing appears in the host's.
 */
export interface Endpoint {
  netns: string;
  ip: string;
  switchPort: string;
}

export const clientEndpoint: Endpoint = { netns: CLIENT_NETNS, ip: CLIENT_IP, switchPort: 'p-client' };

/** `ip` argv lists that build the network (pure). */
export function networkCommands(nodes: readonly LabNodeLayout[]): string[][] {
  const sw = ['ip', '-n', SWITCH_NETNS];
  const endpoints: Endpoint[] = [...nodes, clientEndpoint];
  return [
    ['ip', 'netns', 'add', SWITCH_NETNS],
    [...sw, 'link', 'set', 'lo', 'up'],
    [...sw, 'link', 'add', BRIDGE, 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0'],
    [...sw, 'link', 'set', BRIDGE, 'up'],
    ...endpoints.flatMap((e) => [
      ['ip', 'netns', 'add', e.netns],
      [...sw, 'link', 'add', e.switchPort, 'type', 'veth', 'peer', 'name', NODE_NIC, 'netns', e.netns],
      [...sw, 'link', 'set', e.switchPort, 'master', BRIDGE, 'up'],
      ['ip', '-n', e.netns, 'link', 'set', 'lo', 'up'],
      ['ip', '-n', e.netns, 'addr', 'add', `${e.ip}/${LAB_PREFIX}`, 'dev', NODE_NIC],
      ['ip', '-n', e.netns, 'link', 'set', NODE_NIC, 'up'],
    ]),
  ];
}

export async function createNetwork(nodes: readonly LabNodeLayout[]): Promise<void> {
  for (const argv of networkCommands(nodes)) await runChecked(argv[0]!, argv.slice(1), { timeoutMs: 10_000 });
}

/** Lab namespaces present on the host (prefix pgha-). */
export async function existingLabNetns(): Promise<string[]> {
  const result = await runChecked('ip', ['netns', 'list'], { timeoutMs: 5_000 });
  return result.stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter((name) => name.startsWith('pgha-'));
}

export async function deleteNetns(name: string): Promise<void> {
  await runChecked('ip', ['netns', 'delete', name], { timeoutMs: 10_000 });
}

export async function netnsInode(name: string): Promise<number> {
  return (await stat(`/run/netns/${name}`)).ino;
}

/** Unplugs (or plugs back) a node's cable: its switch port goes down, the node keeps its address. */
export async function setNodeLink(node: LabNodeLayout, up: boolean): Promise<void> {
  await runChecked('ip', ['-n', SWITCH_NETNS, 'link', 'set', node.switchPort, up ? 'up' : 'down'], { timeoutMs: 5_000 });
}

export async function nodeLinkUp(node: LabNodeLayout): Promise<boolean> {
  const result = await run('ip', ['-n', SWITCH_NETNS, '-o', 'link', 'show', node.switchPort], { timeoutMs: 5_000 });
  const flags = /<([^>]*)>/.exec(result.stdout)?.[1]?.split(',') ?? [];
  return result.exitCode === 0 && flags.includes('UP');
}
