import type { Logger } from '../ocf/log.js';
import type { Clock, PowerDriver } from './driver.js';
import { FENCE_EXIT, FenceFailure, type FenceExitCode } from './fence-errors.js';
import { errorMessage } from '../common/text.js';
import { makeFenceLogger } from './fence-log.js';
import { parseArgvOptions, UsageError } from './input/parse-argv.js';
import { parseStdinOptions, type RawOptions } from './input/parse-stdin.js';
import { InvalidOptions, resolveOptions } from './input/resolve-options.js';
import { buildFenceManpage } from './manpage.js';
import { buildFenceMetadata, getoptText, type AgentDocs } from './metadata.js';
import { orderedOptions, type OptionRegistry, type ParsedOptions } from './options/option-spec.js';
import { ACTION_ALIASES, STANDARD_OPTIONS, type StandardOptions } from './options/standard-options.js';
import { performPowerAction, type PowerSettings } from './power-action.js';
import { isTrue } from '../common/text.js';

/** An agent as its file declares it: docs, its own options, and how to make its driver. */
export interface FenceAgentDefinition<R extends OptionRegistry> {
  docs: AgentDocs;
  version: string;
  options: R;
  makeDriver(options: ParsedOptions<StandardOptions & R>, log: Logger): PowerDriver;
}

export interface FenceAgent<R extends OptionRegistry> extends FenceAgentDefinition<R> {
  /** Standard options plus the agent's own (an agent option of the same name replaces the standard one). */
  registry: StandardOptions & R;
}

export function defineFenceAgent<R extends OptionRegistry>(definition: FenceAgentDefinition<R>): FenceAgent<R> {
  return { ...definition, registry: { ...STANDARD_OPTIONS, ...definition.options } };
}

/** Everything a run touches, injected: the real process in production, fakes in tests. */
export interface AgentIo {
  argv: readonly string[];
  env: Record<string, string | undefined>;
  readStdin: () => Promise<string>;
  out: (line: string) => void;
  err: (line: string) => void;
  clock: Clock;
}

/** One agent invocation, from raw input to exit code; never throws, never exits. */
export async function runFenceAgent<R extends OptionRegistry>(agent: FenceAgent<R>, io: AgentIo): Promise<FenceExitCode> {
  const startedAt = io.clock.now();
  const registry: OptionRegistry = agent.registry;
  let raw: RawOptions;
  try {
    raw = io.argv.length > 0 ? parseArgvOptions(io.argv, registry) : parseStdinOptions(await io.readStdin(), registry);
  } catch (error) {
    io.err(`${agent.docs.name}: ERROR: ${errorMessage(error)}`);
    if (error instanceof UsageError) io.err(`run "${agent.docs.name} --help" for usage`);
    return FENCE_EXIT.FAILURE;
  }
  const secrets = Object.entries(registry).flatMap(([name, o]) => (o.secret && raw.values[name] ? [raw.values[name]] : []));
  const flag = (name: string) => isTrue(raw.values[name]);
  const log = makeFenceLogger({ tag: agent.docs.name, write: io.err, verbose: flag('verbose'), quiet: flag('quiet'), secrets });
  for (const warning of raw.warnings) log.warning(warning);

  if (flag('help')) return printLines(io, usage(agent));
  if (flag('version')) return printLines(io, [agent.version]);
  const rawAction = raw.values.action?.trim() ?? 'reboot';
  const docAction = ACTION_ALIASES[rawAction] ?? rawAction;
  // Documentation never depends on a valid configuration.
  if (docAction === 'metadata') return printLines(io, [buildFenceMetadata(agent.docs, registry).trimEnd()]);
  if (docAction === 'manpage') return printLines(io, [buildFenceManpage(agent.docs, registry, agent.version).trimEnd()]);

  try {
    const input = resolveOptions(raw, agent.registry);
    const options = input.options;
    const driver = agent.makeDriver(options, log);
    if (input.action === 'validate-all') {
      await driver.validate?.();
      log.debug('validate-all: options are valid');
      return FENCE_EXIT.SUCCESS;
    }
    const settings = powerSettings(options, io.env, startedAt);
    log.debug(`action ${input.action}${input.target ? ` on ${input.target}` : ''}, power_timeout ${settings.powerTimeoutMs / 1000}s`);
    return await performPowerAction(input.action as Parameters<typeof performPowerAction>[0], input.target, {
      driver,
      settings,
      clock: io.clock,
      log,
      out: io.out,
    });
  } catch (error) {
    if (error instanceof InvalidOptions) for (const problem of error.problems) log.error(problem);
    else if (error instanceof FenceFailure) log.error(error.message);
    else log.error(`Failed: ${errorMessage(error)}`);
    return FENCE_EXIT.FAILURE;
  }
}

/**
 * Timing from the options. Under pacemaker-fenced (PCMK_service), as in
 * fencing.py, the agent's own power_timeout is off unless disable_timeout says
 * otherwise: the fencer's timeout (pcmk_off_timeout / stonith-timeout) governs,
 * and the fencer killing the agent is a failure.
 */
export function powerSettings(options: ParsedOptions<StandardOptions>, env: Record<string, string | undefined>, startedAt: number): PowerSettings {
  const explicit = options.disable_timeout?.trim().toLowerCase();
  const disabled = explicit ? isTrue(explicit) : env.PCMK_service === 'pacemaker-fenced';
  return {
    delayMs: options.delay * 1000,
    powerTimeoutMs: disabled ? Number.POSITIVE_INFINITY : options.power_timeout * 1000,
    powerWaitMs: options.power_wait * 1000,
    statusSleepMs: Math.max(50, options.stonith_status_sleep * 1000),
    onAttempts: options.retry_on,
    separator: options.separator,
    startedAt,
  };
}

function usage(agent: FenceAgent<OptionRegistry>): string[] {
  const rows = orderedOptions(agent.registry).map(([name, o]) => [getoptText(name, o), o.shortdesc] as const);
  const width = Math.max(...rows.map(([flags]) => flags.length)) + 2;
  return [
    `Usage: ${agent.docs.name} [options]   (or key=value lines on stdin)`,
    'Options:',
    ...rows.map(([flags, text]) => `   ${flags.padEnd(width)}${text}`),
  ];
}

function printLines(io: AgentIo, lines: readonly string[]): FenceExitCode {
  for (const line of lines) io.out(line);
  return FENCE_EXIT.SUCCESS;
}
