import type { ConfigureOptions } from './configure-options.js';
import { shellQuote } from '../../exec/shell-quote.js';
import { desiredConfiguration, operationArgs, pghaAgent, type Setting } from '../../cluster-config/desired.js';
import { cibDumpCommand, cibPushCommand, pcsCommands } from '../../cluster-config/pcs-commands.js';

/** One command of a plan: an argv, and for crmsh the script it reads on stdin. */
export interface PlannedCommand {
  argv: string[];
  input?: string;
}

export interface ConfigurePlan {
  tool: 'pcs' | 'crm';
  commands: PlannedCommand[];
}

/** The default file pcs works on before pushing everything at once. */
export const DEFAULT_CIB_FILE = 'pgha-cib.xml';

const recommendedConfiguration = (o: ConfigureOptions) => desiredConfiguration(o, pghaAgent(o.monitorInterval));

/** pcs: the recommended configuration written into a copy of the CIB, pushed in one replace. */
export function buildPcsPlan(o: ConfigureOptions, cibFile = DEFAULT_CIB_FILE): ConfigurePlan {
  const argvs = [cibDumpCommand(cibFile), ...pcsCommands(recommendedConfiguration(o), cibFile), cibPushCommand(cibFile)];
  return { tool: 'pcs', commands: argvs.map((argv) => ({ argv })) };
}

/** crmsh: one `crm configure` session reading a script; its final commit applies everything at once. */
export function buildCrmPlan(o: ConfigureOptions): ConfigurePlan {
  const d = recommendedConfiguration(o);
  const quoted = (list: Setting[]) => list.map(([k, v]) => (/^[^\s"'#]+$/.test(v) ? `${k}=${v}` : `${k}="${v}"`));
  const lines = [
    `rsc_defaults ${quoted(d.resourceDefaults).join(' ')}`,
    `property ${quoted(d.properties).join(' ')}`,
    `primitive ${d.resource} ${d.agentType} params ${quoted(d.params).join(' ')} ${operationArgs(d.operations).join(' ')}`,
    `clone ${d.clone} ${d.resource} meta ${quoted(d.cloneMeta).join(' ')}`,
  ];
  if (d.vip) {
    const { id } = d.vip;
    lines.push(
      `primitive ${id} ${d.vip.agentType} params ${quoted(d.vip.params).join(' ')} ${operationArgs(d.vip.operations).join(' ')}`,
      `colocation ${d.vip.colocationId} inf: ${id} ${d.clone}:Promoted`,
      ...d.vip.orders.map((o) => `order ${o.id} Mandatory: ${d.clone}:${o.cloneAction} ${id}:${o.vipAction} symmetrical=false`),
    );
  }
  lines.push('commit');
  return { tool: 'crm', commands: [{ argv: ['crm', 'configure'], input: `${lines.join('\n')}\n` }] };
}

export function buildConfigurePlan(o: ConfigureOptions, cibFile = DEFAULT_CIB_FILE): ConfigurePlan {
  return o.tool === 'crm' ? buildCrmPlan(o) : buildPcsPlan(o, cibFile);
}

/** A command as a shell user would type it (a here-document for stdin input). */
export function formatCommand(command: PlannedCommand): string {
  const line = command.argv.map(shellQuote).join(' ');
  return command.input === undefined ? line : `${line} <<'EOF'\n${command.input}EOF`;
}

export function formatPlan(plan: ConfigurePlan): string {
  return `${plan.commands.map(formatCommand).join('\n')}\n`;
}
