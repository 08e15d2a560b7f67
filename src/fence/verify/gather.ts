import { access, readFile } from 'node:fs/promises';
import { run } from '../../exec/run.js';
import { buildModel } from './build-model.js';
import type { ClusterModel, CorosyncSettings, SbdSettings } from './cluster-model.js';
import { deviceTargets } from './device-reach.js';
import { corosyncSettings, flattenCorosyncConf, parseSbdConfig, parseSbdMsgwait } from './parse-corosync.js';
import { flattenCmapctl } from '../../pacemaker/corosync.js';

export interface GatherOptions {
  /** An offline CIB file; the live CIB (cibadmin -Q) when absent. */
  cibFile?: string;
  corosyncConf?: string;
  sbdConfig?: string;
}

/** A source verify needs could not be read: the cluster is not reachable from here. */
export class SourceUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceUnavailable';
  }
}

const COROSYNC_CONF = '/etc/corosync/corosync.conf';
const SBD_CONFIG = '/etc/default/sbd';
const exists = (path: string) => access(path).then(() => true, () => false);

/**
 * Reads everything verify checks. Offline (--cib) it reads only the files it
 * is given; live it asks the cluster (cibadmin, corosync-cmapctl, stonith_admin).
 */
export async function gatherModel(options: GatherOptions): Promise<ClusterModel> {
  const live = options.cibFile === undefined;
  const cibXml = live ? await liveCib() : await readFile(options.cibFile!, 'utf8').catch((e: Error) => {
    throw new SourceUnavailable(`cannot read ${options.cibFile}: ${e.message}`);
  });
  const corosync = options.corosyncConf ? await corosyncFromFile(options.corosyncConf) : live ? await liveCorosync() : undefined;
  const sbdPath = options.sbdConfig ?? (live && (await exists(SBD_CONFIG)) ? SBD_CONFIG : undefined);
  const sbd = sbdPath ? await liveSbd(sbdPath, live) : undefined;
  const model = await buildModel({ cibXml, corosync, sbd });
  if (live) model.dynamicTargets = await dynamicTargets(model);
  return model;
}

async function liveCib(): Promise<string> {
  const r = await run('cibadmin', ['--query'], { timeoutMs: 15_000 });
  if (r.exitCode !== 0) throw new SourceUnavailable(`cibadmin --query failed (${r.stderr.trim() || `exit ${r.exitCode}`}); is this a cluster node? Use --cib FILE for an offline CIB`);
  return r.stdout;
}

async function corosyncFromFile(path: string): Promise<CorosyncSettings> {
  const text = await readFile(path, 'utf8').catch((e: Error) => {
    throw new SourceUnavailable(`cannot read ${path}: ${e.message}`);
  });
  return corosyncSettings(flattenCorosyncConf(text), path);
}

async function liveCorosync(): Promise<CorosyncSettings | undefined> {
  const r = await run('corosync-cmapctl', [], { timeoutMs: 5_000 });
  if (r.exitCode === 0) return corosyncSettings(flattenCmapctl(r.stdout), 'corosync-cmapctl');
  return (await exists(COROSYNC_CONF)) ? corosyncFromFile(COROSYNC_CONF) : undefined;
}

async function liveSbd(path: string, live: boolean): Promise<SbdSettings> {
  const settings = parseSbdConfig(await readFile(path, 'utf8'), path);
  if (live && settings.devices.length > 0) {
    const dump = await run('sbd', ['-d', settings.devices[0]!, 'dump'], { timeoutMs: 10_000 });
    if (dump.exitCode === 0) settings.msgwaitS = parseSbdMsgwait(dump.stdout);
  }
  return settings;
}

/** Asks the fencer which nodes each dynamic-list device can fence. */
async function dynamicTargets(model: ClusterModel): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  const nodes = new Set([...model.nodes, ...(model.corosync?.nodes ?? [])]);
  for (const device of model.devices) {
    if (deviceTargets(device).mode !== 'dynamic') continue;
    const r = await run('stonith_admin', ['--list-targets', device.id, '--timeout', '20'], { timeoutMs: 25_000 });
    if (r.exitCode === 0) out[device.id] = r.stdout.split(/\s+/).filter((word) => nodes.has(word));
  }
  return out;
}
