/** What `pgha fence verify` knows about a cluster: the parts of the CIB, corosync and sbd settings that fencing depends on. */
export interface FenceDevice {
  id: string;
  agent: string;
  params: Record<string, string>;
  meta: Record<string, string>;
}

export interface LocationConstraint {
  id: string;
  rsc?: string;
  rscPattern?: string;
  node?: string;
  /** "INFINITY", "-INFINITY" or a number, as written. */
  score?: string;
  /** The constraint uses rules, which verify does not evaluate. */
  hasRule: boolean;
}

export interface FencingLevel {
  id: string;
  index: number;
  devices: string[];
  target?: string;
  targetPattern?: string;
  targetAttribute?: string;
  targetValue?: string;
}

export interface ResourceInfo {
  id: string;
  /** class:provider:type for primitives; "clone", "group" or "bundle" for containers. */
  kind: string;
  meta: Record<string, string>;
  /** The primitive ids inside a container. */
  children: string[];
}

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
