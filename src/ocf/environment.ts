import { parseNotification, type Notification } from './notify.js';
import { isTrue } from '../common/text.js';

/** Everything Pacemaker tells one agent invocation, read from the environment once. */
export interface OcfEnvironment {
  action: string;
  /** OCF_RESOURCE_INSTANCE without a clone suffix (":N"). */
  instance: string;
  /** Instance parameters: OCF_RESKEY_<name>, without the CRM_meta_ ones. */
  params: Record<string, string>;
  /** Meta attributes and operation meta: OCF_RESKEY_CRM_meta_<name>. */
  meta: Record<string, string>;
  /** The action's timeout in ms (CRM_meta_timeout); a default when run by hand. */
  timeoutMs: number;
  /** Recurring interval in ms; 0 for probes and one-shot actions (probes get no interval at all). */
  intervalMs: number;
  isProbe: boolean;
  /** OCF_CHECK_LEVEL, 0 when unset. */
  checkLevel: number;
  clone: CloneMeta;
  notification: Notification | undefined;
}

export interface CloneMeta {
  isClone: boolean;
  promotable: boolean;
  notify: boolean;
  promotedMax: number | undefined;
  cloneMax: number | undefined;
}

/** Used when the agent runs outside Pacemaker (by hand, ocf-tester without -o). */
export const DEFAULT_TIMEOUT_MS = 20_000;

const PARAM_PREFIX = 'OCF_RESKEY_';
const META_PREFIX = 'OCF_RESKEY_CRM_meta_';

export function readOcfEnvironment(action: string, env: NodeJS.ProcessEnv): OcfEnvironment {
  const params: Record<string, string> = {};
  const meta: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (key.startsWith(META_PREFIX)) meta[key.slice(META_PREFIX.length)] = value;
    else if (key.startsWith(PARAM_PREFIX) && key !== 'OCF_RESKEY_crm_feature_set') params[key.slice(PARAM_PREFIX.length)] = value;
  }
  const intervalMs = toInt(meta.interval) ?? 0;
  return {
    action,
    instance: (env.OCF_RESOURCE_INSTANCE ?? 'pgha').replace(/:\d+$/, ''),
    params,
    meta,
    timeoutMs: toInt(meta.timeout) ?? DEFAULT_TIMEOUT_MS,
    intervalMs,
    isProbe: action === 'monitor' && intervalMs === 0,
    checkLevel: toInt(env.OCF_CHECK_LEVEL) ?? 0,
    clone: readCloneMeta(meta),
    notification: parseNotification(meta),
  };
}

export function readCloneMeta(meta: Record<string, string>): CloneMeta {
  const promotedMax = toInt(meta.promoted_max) ?? toInt(meta.master_max);
  return {
    isClone: meta.clone !== undefined || meta.clone_max !== undefined,
    // The cluster never passes CRM_meta_promotable; promoted_max tells (as ocf_is_ms does).
    promotable: isTrue(meta.promotable) || (promotedMax ?? 0) > 0,
    notify: isTrue(meta.notify),
    promotedMax,
    cloneMax: toInt(meta.clone_max),
  };
}


function toInt(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number.parseInt(value, 10);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * The instance name as part of a file name (state file, default server log):
 * OCF_RESOURCE_INSTANCE is an XML id, but comes from the environment, so
 * anything else in it becomes "_" and no value ("../x", "a/b", "$(...)")
 * names a file elsewhere, or means anything to a shell.
 */
export const instanceFileName = (instance: string) => instance.replace(/[^A-Za-z0-9_.:-]/g, '_').replace(/^\./, '_');
