import type { ClusterModel, CorosyncSettings, SbdSettings } from './cluster-model.js';
import { parseCib } from '../../pacemaker/cib.js';

export interface ModelSources {
  cibXml: string;
  corosync?: CorosyncSettings;
  sbd?: SbdSettings;
  dynamicTargets?: Record<string, string[]>;
}

/** The model the checks read, from already-read sources (pure apart from XML parsing). */
export async function buildModel(sources: ModelSources): Promise<ClusterModel> {
  const cib = await parseCib(sources.cibXml);
  return {
    // Remote and ping nodes are not fenced by the cluster's devices.
    nodes: cib.nodes.filter((n) => n.type === 'member').map((n) => n.uname).filter((n) => n !== ''),
    nodeAttributes: cib.nodeAttributes,
    properties: cib.properties,
    rscDefaults: cib.rscDefaults,
    devices: cib.fenceDevices,
    locations: cib.locations,
    levels: cib.fencingLevels,
    resources: cib.resources,
    corosync: sources.corosync,
    sbd: sources.sbd,
    dynamicTargets: sources.dynamicTargets ?? {},
  };
}
