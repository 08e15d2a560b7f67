
/** One instance parameter, as the OCF 1.1 meta-data describes it. */
export interface ParameterSpec {
  name: string;
  shortdesc: string;
  longdesc: string;
  type: 'string' | 'integer' | 'boolean' | 'select';
  default?: string;
  options?: readonly string[];
  required?: boolean;
  unique?: boolean;
  /** Applied by reload-agent without restarting PostgreSQL. */
  reloadable?: boolean;
}

export interface ActionSpec {
  name: string;
  timeout: string;
  interval?: string;
  depth?: string;
  role?: 'Promoted' | 'Unpromoted';
}

export interface AgentDescription {
  name: string;
  version: string;
  shortdesc: string;
  longdesc: string;
  parameters: readonly ParameterSpec[];
  actions: readonly ActionSpec[];
}

/** Builds OCF 1.1 meta-data (valid against ra-api-1.1.rng; element order matters there). */
export async function buildMetadata(agent: AgentDescription): Promise<string> {
  // Loaded here, not at start-up: only meta-data needs an XML builder.
  const { Builder } = await import('xml2js');
  const parameter = (p: ParameterSpec) => ({
    $: {
      name: p.name,
      ...(p.unique ? { unique: '1' } : {}),
      required: p.required ? '1' : '0',
      ...(p.reloadable ? { reloadable: '1' } : {}),
    },
    longdesc: { $: { lang: 'en' }, _: p.longdesc },
    shortdesc: { $: { lang: 'en' }, _: p.shortdesc },
    content: {
      $: { type: p.type, ...(p.default !== undefined ? { default: p.default } : {}) },
      ...(p.options ? { option: p.options.map((value) => ({ $: { value } })) } : {}),
    },
  });
  const action = (a: ActionSpec) => ({
    $: {
      name: a.name,
      timeout: a.timeout,
      ...(a.interval ? { interval: a.interval } : {}),
      ...(a.depth ? { depth: a.depth } : {}),
      ...(a.role ? { role: a.role } : {}),
    },
  });
  const builder = new Builder({
    rootName: 'resource-agent',
    // No encoding declaration: crmsh 4.4 cannot parse meta-data that has one.
    xmldec: { version: '1.0' },
    doctype: { sysID: 'ra-api-1.dtd' },
    renderOpts: { pretty: true, indent: '  ', newline: '\n' },
  });
  return `${builder.buildObject({
    $: { name: agent.name, version: agent.version },
    version: '1.1',
    longdesc: { $: { lang: 'en' }, _: agent.longdesc },
    shortdesc: { $: { lang: 'en' }, _: agent.shortdesc },
    parameters: { parameter: agent.parameters.map(parameter) },
    actions: { action: agent.actions.map(action) },
  })}\n`;
}
