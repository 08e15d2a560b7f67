import { booleanOption, integerOption, secondsOption, selectOption, stringOption } from './option-spec.js';

/** Every action the framework implements, in the order the metadata lists them. */
export const FENCE_ACTIONS = ['on', 'off', 'reboot', 'status', 'list', 'list-status', 'monitor', 'metadata', 'manpage', 'validate-all'] as const;
export type FenceActionName = (typeof FENCE_ACTIONS)[number];

/** Accepted spellings that map onto an action. */
export const ACTION_ALIASES: Record<string, FenceActionName> = { 'meta-data': 'metadata' };

/** Actions that act on (or read) one plug, and so need one. */
export const TARGETED_ACTIONS: readonly string[] = ['on', 'off', 'reboot', 'status'];

/**
 * The options every agent built on the framework has (fencing.py's
 * common set, minus the login/shell machinery a driver owns itself).
 */
export const STANDARD_OPTIONS = {
  action: selectOption({
    shortdesc: 'Fencing action',
    longdesc: 'The action to perform: on, off, reboot, status, monitor, list, list-status, metadata, manpage or validate-all.',
    short: 'o',
    valueName: 'action',
    choices: FENCE_ACTIONS,
    default: 'reboot',
    quietAliases: ['option'],
    required: true,
    order: 1,
  }),
  plug: stringOption({
    shortdesc: 'Physical plug number on device, UUID or identification of machine',
    longdesc: 'The machine to act on. Pacemaker passes the node name here (or its pcmk_host_map alias); "port" is the same option.',
    short: 'n',
    valueName: 'id',
    aliases: ['port'],
    required: true,
    requiredFor: TARGETED_ACTIONS,
    order: 1,
  }),
  separator: stringOption({
    shortdesc: "Separator for CSV created by 'list' operation",
    short: 'C',
    valueName: 'char',
    default: ',',
    order: 100,
  }),
  delay: secondsOption({
    shortdesc: 'Wait X seconds before fencing is started',
    longdesc: 'Seconds to wait before an off or reboot, counted from the start of the agent; other actions do not wait. In a two-node cluster, set it (or pcmk_delay_base) on the device that fences the node that should survive a split.',
    default: '0',
    order: 200,
  }),
  power_timeout: secondsOption({
    shortdesc: 'Test X seconds for status change after ON/OFF',
    longdesc: 'How long to keep reading the status back after on or off before giving up. A timeout is a failure. Ignored under pacemaker-fenced unless disable_timeout=0: the fencer owns the timeout there.',
    default: '20',
    order: 200,
  }),
  power_wait: secondsOption({
    shortdesc: 'Wait X seconds after issuing ON/OFF',
    default: '0',
    order: 200,
  }),
  stonith_status_sleep: secondsOption({
    shortdesc: 'Sleep X seconds between status calls during a STONITH action',
    default: '1',
    order: 200,
  }),
  disable_timeout: stringOption({
    shortdesc: 'Disable timeout (true/false) (default: true when run from Pacemaker 2.0+)',
    longdesc: 'With true, on and off poll the status until it changes, however long that takes: the caller (pacemaker-fenced) kills the agent when its own timeout passes, which counts as a failure.',
    valueName: 'true/false',
    order: 200,
  }),
  retry_on: integerOption({
    shortdesc: 'Count of attempts to retry power on',
    default: '1',
    min: 1,
    order: 201,
  }),
  verbose: booleanOption({
    shortdesc: 'Verbose mode',
    short: 'v',
    order: 51,
  }),
  quiet: booleanOption({
    shortdesc: 'Disable logging to stderr. Does not affect --verbose.',
    short: 'q',
    order: 50,
  }),
  version: booleanOption({
    shortdesc: 'Display version information and exit',
    short: 'V',
    order: 54,
  }),
  help: booleanOption({
    shortdesc: 'Display help and exit',
    short: 'h',
    order: 55,
  }),
};

export type StandardOptions = typeof STANDARD_OPTIONS;
