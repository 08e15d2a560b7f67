import { Builder } from 'xml2js';
import { longFlag, orderedOptions, type FenceOption, type OptionRegistry } from './options/option-spec.js';
import { FENCE_ACTIONS } from './options/standard-options.js';

/** What an agent says about itself, beyond its options. */
export interface AgentDocs {
  name: string;
  shortdesc: string;
  longdesc: string;
  vendorUrl: string;
  /** Other names the agent is installed under. */
  symlinks?: readonly { name: string; shortdesc: string }[];
  /** Advertise `on` as automatic (unfencing at node join). */
  automaticOn?: boolean;
}

/** The `getopt mixed` text: "-n, --plug=[id]", "--delay=[seconds]", "-v, --verbose". */
export function getoptText(name: string, option: FenceOption): string {
  const long = `--${longFlag(name, option)}${option.contentType === 'boolean' ? '' : `=[${option.valueName ?? 'value'}]`}`;
  return option.short ? `-${option.short}, ${long}` : long;
}

/** Metadata XML in the fence-agents format (lib/metadata.rng; element order matters there). */
export function buildFenceMetadata(docs: AgentDocs, registry: OptionRegistry): string {
  const parameters = orderedOptions(registry).flatMap(([name, option]) => {
    const entry = (paramName: string, extra: Record<string, string>) => ({
      $: { name: paramName, unique: '0', required: option.required ? '1' : '0', ...extra },
      getopt: { $: { mixed: getoptText(name, option) } },
      content: {
        $: {
          type: option.contentType,
          // A secret's default would be printed by `pcs stonith describe`: never emit one.
          ...(option.default !== undefined && !option.secret ? { default: option.default } : {}),
        },
        ...(option.contentType === 'select' && option.choices ? { option: option.choices.map((value) => ({ $: { value } })) } : {}),
      },
      shortdesc: { $: { lang: 'en' }, _: option.shortdesc },
    });
    const aliases = option.aliases ?? [];
    const main = entry(name, {
      ...(option.deprecated ? { deprecated: '1' } : {}),
      ...(option.obsoletes ?? aliases[0] ? { obsoletes: (option.obsoletes ?? aliases[0])! } : {}),
    });
    return [main, ...aliases.map((alias) => entry(alias, { deprecated: '1' }))];
  });
  const actions = FENCE_ACTIONS.map((name) => ({
    $: { name, ...(name === 'on' ? { automatic: docs.automaticOn ? '1' : '0' } : {}) },
  }));
  const builder = new Builder({
    rootName: 'resource-agent',
    xmldec: { version: '1.0' },
    renderOpts: { pretty: true, indent: '\t', newline: '\n' },
  });
  return `${builder.buildObject({
    $: { name: docs.name, shortdesc: docs.shortdesc },
    ...(docs.symlinks?.length ? { symlink: docs.symlinks.map((s) => ({ $: { name: s.name, shortdesc: s.shortdesc } })) } : {}),
    longdesc: docs.longdesc,
    'vendor-url': docs.vendorUrl,
    parameters: { parameter: parameters },
    actions: { action: actions },
  })}\n`;
}
