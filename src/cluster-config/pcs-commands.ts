import { operationArgs, settingArgs, type Desired } from './desired.js';

/**
 * pcs: everything is written into a copy of the CIB (`pcs -f`), read first and pushed at the end
 * in one replace, so the cluster never sees the VIP without its constraints.
 */
export const cibDumpCommand = (cibFile: string) => ['pcs', 'cluster', 'cib', cibFile];
export const cibPushCommand = (cibFile: string) => ['pcs', 'cluster', 'cib-push', cibFile, '--config'];

/** The pcs commands that write a desired configuration into the CIB copy, in syntax pcs 0.11 and 0.12 both accept without warnings. */
export function pcsCommands(d: Desired, cibFile: string): string[][] {
  const f = (...args: string[]) => ['pcs', '-f', cibFile, ...args];
  const commands = [
    f('resource', 'defaults', 'update', ...settingArgs(d.resourceDefaults)),
    f('property', 'set', ...settingArgs(d.properties)),
    // Clone meta set on the clone itself: pcs 0.12 deprecates it after `promotable` without `meta`,
    // and `promotable meta` there means the primitive's meta unless --future, which 0.11 lacks.
    f('resource', 'create', d.resource, d.agentType, ...settingArgs(d.params), ...operationArgs(d.operations), 'promotable'),
    f('resource', 'meta', d.clone, ...settingArgs(d.cloneMeta.filter(([k]) => k !== 'promotable'))),
  ];
  if (d.vip) {
    const { id } = d.vip;
    commands.push(
      f('resource', 'create', id, d.vip.agentType, ...settingArgs(d.vip.params), ...operationArgs(d.vip.operations)),
      // score=: a bare score is deprecated in pcs 0.12; 0.11 accepts both.
      f('constraint', 'colocation', 'add', id, 'with', 'Promoted', d.clone, 'score=INFINITY'),
      ...d.vip.orders.map((o) => f('constraint', 'order', o.cloneAction, d.clone, 'then', o.vipAction, id, 'symmetrical=false', 'kind=Mandatory')),
    );
  }
  return commands;
}
