import type { CibFenceDevice, CibFencingLevel, CibLocation, CibResource } from '../../pacemaker/cib.js';

/** What `pgha fence verify` knows about a cluster: the parts of the CIB, corosync and sbd settings that fencing depends on. */
/** The CIB's parts, as src/pacemaker/cib.ts parses them. */
export type FenceDevice = CibFenceDevice;
export type FencingLevel = CibFencingLevel;
export type LocationConstraint = CibLocation;
export type ResourceInfo = CibResource;

export interface CorosyncSettings {
  nodes: string[];
  twoNode?: boolean;
  waitForAll?: boolean;
  qdevice: boolean;
  /** Where the settings came from, for the report. */
  source: string;
}

export interface SbdSettings {
  devices: string[];
  watchdogTimeoutS?: number;
  /** Per-device msgwait read with `sbd -d DEV dump`, when available. */
  msgwaitS?: number;
  source: string;
}

export interface ClusterModel {
  nodes: string[];
  properties: Record<string, string>;
  rscDefaults: Record<string, string>;
  devices: FenceDevice[];
  locations: LocationConstraint[];
  levels: FencingLevel[];
  resources: ResourceInfo[];
  nodeAttributes: Record<string, Record<string, string>>;
  corosync?: CorosyncSettings;
  sbd?: SbdSettings;
  /** Targets each device reported for itself (`stonith_admin --list-targets`), live runs only. */
  dynamicTargets: Record<string, string[]>;
}
