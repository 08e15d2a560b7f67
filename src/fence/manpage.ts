import { getoptText, type AgentDocs } from './metadata.js';
import { orderedOptions, type OptionRegistry } from './options/option-spec.js';
import { FENCE_ACTIONS } from './options/standard-options.js';

const ACTION_TEXT: Record<(typeof FENCE_ACTIONS)[number], string> = {
  on: 'Power on the machine; success once the status reads back ON.',
  off: 'Power off the machine; success only once the status reads back OFF.',
  reboot: 'Power off (verified), then power on; a failed power on is only logged.',
  status: 'Print the power status: exit 0 for ON, 2 for OFF, 1 when it cannot be read.',
  list: 'List the plugs the device controls, one "plug,alias" per line.',
  'list-status': 'List the plugs with their status, one "plug,alias,ON|OFF|UNKNOWN" per line.',
  monitor: 'Check that the device answers.',
  metadata: 'Print the agent metadata in XML (also "meta-data").',
  manpage: 'Print this manual page.',
  'validate-all': 'Check the options without acting.',
};

/** Escapes text for troff: backslashes, and a leading dot or quote that would start a request. */
export function troffEscape(text: string): string {
  return text.replace(/\\/g, '\\e').replace(/-/g, '\\-').replace(/^([.'])/gm, '\\&$1');
}

/** A section 8 man page in troff (man macros), generated from the same option registry as the metadata. */
export function buildFenceManpage(docs: AgentDocs, registry: OptionRegistry, version: string): string {
  const lines = [
    `.TH ${docs.name.toUpperCase()} 8 "" "pgha ${troffEscape(version)}" "System Manager's Manual"`,
    '.SH NAME',
    `${troffEscape(docs.name)} \\- ${troffEscape(docs.shortdesc)}`,
    '.SH SYNOPSIS',
    `.B ${troffEscape(docs.name)}`,
    '[\\fIOPTIONS\\fR]',
    '.br',
    `.B ${troffEscape(docs.name)}`,
    '< \\fIkey=value lines\\fR',
    '.SH DESCRIPTION',
    troffEscape(docs.longdesc),
    '.PP',
    'With command\\-line arguments the options come from them; without any, the agent reads',
    '\\fIkey=value\\fR lines on standard input, as pacemaker\\-fenced sends them. Lines starting',
    'with # are ignored, unknown keys are reported and ignored, and a repeated key keeps its last value.',
    '.SH OPTIONS',
  ];
  for (const [name, option] of orderedOptions(registry)) {
    lines.push('.TP', `.B ${troffEscape(getoptText(name, option))}`);
    lines.push(troffEscape(option.longdesc ?? option.shortdesc));
    const facts = [
      option.secret ? 'Secret: never printed.' : undefined,
      option.default !== undefined && !option.secret ? `(Default: ${option.default})` : undefined,
      option.required ? '(Required)' : undefined,
      option.aliases?.length ? `Also accepted as: ${option.aliases.join(', ')}.` : undefined,
      option.choices?.length ? `One of: ${option.choices.join(', ')}.` : undefined,
    ].filter((fact): fact is string => fact !== undefined);
    if (facts.length > 0) lines.push('.br', troffEscape(facts.join(' ')));
    lines.push('.br', `Stdin key: ${troffEscape(name)}`);
  }
  lines.push('.SH ACTIONS');
  for (const action of FENCE_ACTIONS) lines.push('.TP', `.B ${troffEscape(action)}`, troffEscape(ACTION_TEXT[action]));
  lines.push(
    '.SH EXIT STATUS',
    'For status: 0 when ON, 2 when OFF, 1 on error. For every other action: 0 on success, 1 on failure.',
    'A timeout is a failure.',
    '.SH SEE ALSO',
    '.BR stonith_admin (8),',
    '.BR pacemaker\\-fenced (7),',
    '.BR pgha (8)',
    '',
  );
  return lines.join('\n');
}
