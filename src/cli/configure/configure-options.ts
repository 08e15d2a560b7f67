import { z } from 'zod';
import { RECOMMENDED_MONITOR_INTERVAL_S } from '../../cluster-config/recommended.js';

/** A value written into a pcs argument and a crmsh script line: nothing either could need quoted (quotes, backslashes, control characters). */
const plainValue = () =>
  z
    .string()
    .min(1, 'must not be empty')
    .refine((v) => !/["'\\\x00-\x1f\x7f]/.test(v), 'must not contain quotes, backslashes, newlines or other control characters');

const absolutePath = () => plainValue().refine((v) => v.startsWith('/') && !/\s/.test(v), 'must be an absolute path');

/** Pacemaker ids are XML IDs; node names are host names. */
const xmlId = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'must be a valid XML id (letters, digits, "_", "-", ".")');
const nodeName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'must be a host name');

const nodeList = z
  .string()
  .transform((s) => s.split(',').map((n) => n.trim()).filter((n) => n !== ''))
  .pipe(z.array(nodeName).min(2, 'at least 2 nodes are needed'))
  .refine((nodes) => new Set(nodes).size === nodes.length, 'node names must be unique');

/** IP/CIDR, IPv4 or IPv6, split into IPaddr2's ip and cidr_netmask. */
const vip = z
  .union([z.cidrv4(), z.cidrv6()], { error: 'must be IP/CIDR, e.g. 192.168.122.40/24' })
  .transform((s) => {
    const slash = s.lastIndexOf('/');
    return { ip: s.slice(0, slash), cidrNetmask: Number(s.slice(slash + 1)) };
  });

const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** `pgha configure` flags, as commander collects them (strings), parsed into a plan's input. */
export const ConfigureOptions = z
  .object({
    nodes: nodeList,
    vip: vip.optional(),
    vipNic: z.string().regex(/^[A-Za-z0-9_.:@-]{1,15}$/, 'must be a network interface name').optional(),
    pgdata: absolutePath(),
    bindir: absolutePath(),
    datadir: absolutePath().optional(),
    pghost: plainValue().refine((v) => !/\s/.test(v), 'must not contain spaces').optional(),
    pgport: integer(1, 65535).optional(),
    systemUser: z.string().regex(/^[a-z_][a-z0-9_-]*$/, 'must be a system user name').optional(),
    startOpts: plainValue().optional(),
    maxlag: integer(0, Number.MAX_SAFE_INTEGER).optional(),
    resource: xmlId.default('pgsqld'),
    vipResource: xmlId.optional(),
    tool: z.enum(['pcs', 'crm']).default('pcs'),
    monitorInterval: integer(1, 3600).default(RECOMMENDED_MONITOR_INTERVAL_S),
  })
  .superRefine((o, ctx) => {
    if (o.vipNic !== undefined && o.vip === undefined) {
      ctx.addIssue({ code: 'custom', path: ['vipNic'], message: '--vip-nic needs --vip' });
    }
  });
export type ConfigureOptions = z.output<typeof ConfigureOptions>;

/** Maps a zod path (camelCase key) back to the flag the user typed. */
export function flagName(key: PropertyKey | undefined): string {
  if (typeof key !== 'string') return 'options';
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** One line per problem, naming the flag: "--pgport: Too big: expected number to be <=65535". */
export function describeConfigureIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${flagName(issue.path[0])}: ${issue.message}`).join('\n');
}
