import type { CorosyncSettings, SbdSettings } from './cluster-model.js';
import { isTrue } from '../../common/text.js';

/** corosync.conf as flat cmap-style keys: `quorum.two_node`, `nodelist.node.0.name`, ... */
export function flattenCorosyncConf(text: string): Record<string, string> {
  const flat: Record<string, string> = {};
  const path: string[] = [];
  const counters = new Map<string, number>();
  for (const rawLine of text.split('\n')) {
    const line = rawLine.replace(/#.*$/, '').trim();
    if (line === '') continue;
    const open = /^([\w.-]+)\s*\{$/.exec(line);
    if (open) {
      const parent = path.join('.');
      const name = open[1]!;
      // Repeated sections (nodelist.node, interface) get an index, as cmap shows them.
      if (name === 'node' || name === 'interface') {
        const key = `${parent}.${name}`;
        const n = counters.get(key) ?? 0;
        counters.set(key, n + 1);
        path.push(name, String(n));
      } else {
        path.push(name);
      }
      continue;
    }
    if (line === '}') {
      const last = path.pop();
      if (last !== undefined && /^\d+$/.test(last)) path.pop();
      continue;
    }
    const pair = /^([\w.-]+)\s*:\s*(.*)$/.exec(line);
    if (pair) flat[[...path, pair[1]!].join('.')] = pair[2]!.trim();
  }
  return flat;
}

const flag = (value: string | undefined): boolean | undefined => (value === undefined ? undefined : isTrue(value));

export function corosyncSettings(flat: Record<string, string>, source: string): CorosyncSettings {
  const nodes = Object.entries(flat)
    .filter(([key]) => /^nodelist\.node\.\d+\.name$/.test(key))
    .sort(([a], [b]) => Number(a.split('.')[2]) - Number(b.split('.')[2]))
    .map(([, value]) => value);
  const twoNode = flag(flat['quorum.two_node']);
  return {
    nodes,
    twoNode,
    // votequorum turns wait_for_all on by default when two_node is set.
    waitForAll: flag(flat['quorum.wait_for_all']) ?? (twoNode ? true : undefined),
    qdevice: flat['quorum.device.model'] !== undefined,
    source,
  };
}

/** /etc/default/sbd (shell variable assignments). */
export function parseSbdConfig(text: string, source: string): SbdSettings {
  const vars: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*(SBD_\w+)=(.*)$/.exec(line);
    if (m) vars[m[1]!] = m[2]!.trim().replace(/^(["'])(.*)\1$/, '$2');
  }
  const timeout = vars.SBD_WATCHDOG_TIMEOUT === undefined ? undefined : Number(vars.SBD_WATCHDOG_TIMEOUT);
  return {
    devices: (vars.SBD_DEVICE ?? '').split(';').map((d) => d.trim()).filter(Boolean),
    // sbd's own default is 5 s.
    watchdogTimeoutS: timeout !== undefined && Number.isFinite(timeout) ? timeout : 5,
    source,
  };
}

/** The msgwait of `sbd -d DEV dump` output, in seconds. */
export function parseSbdMsgwait(dump: string): number | undefined {
  const m = /Timeout \(msgwait\)\s*:\s*(\d+)/.exec(dump);
  return m ? Number(m[1]) : undefined;
}
