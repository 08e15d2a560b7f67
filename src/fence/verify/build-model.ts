import type { ClusterModel, CorosyncSettings, SbdSettings } from './cluster-model.js';
import { parseCib } from './parse-cib.js';

export interface ModelSources {
  cibXml: string;
  corosync?: CorosyncSettings;
  sbd?: SbdSettings;
  dynamicTargets?: Record<string, string[]>;
}

/** The model the checks read, from already-read sources (pure apart from XML parsing). */
export async function buildModel(sources: ModelSources): Promise<ClusterModel> {
  return { ...(await parseCib(sources.cibXml)), corosync: sources.corosync, sbd: sources.sbd, dynamicTargets: sources.dynamicTargets ?? {} };
}
