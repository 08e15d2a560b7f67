import { run } from '../exec/run.js';
import { parseScore } from './score.js';

/**
 * Node attributes through Pacemaker's own tools. Promotion scores are
 * transient (reboot lifetime): Pacemaker drops them with the node, so a dead
 * node's score can never go stale (PAF's permanent scores did, #220/#26).
 */
export const promotionAttribute = (instance: string) => `master-${instance}`;

const ATTRIBUTE_TIMEOUT_MS = 5_000;

export async function setPromotionScore(instance: string, score: number, node?: string): Promise<void> {
  const result = await run(
    'crm_attribute',
    ['--lifetime', 'reboot', '--name', promotionAttribute(instance), '--update', String(score), ...(node ? ['--node', node] : [])],
    { timeoutMs: ATTRIBUTE_TIMEOUT_MS },
  );
  if (result.exitCode !== 0) throw new Error(`crm_attribute could not set ${promotionAttribute(instance)}=${score}${node ? ` on ${node}` : ''}: ${result.stderr}`);
}

export async function deletePromotionScore(instance: string, node?: string): Promise<void> {
  await run('crm_attribute', ['--lifetime', 'reboot', '--name', promotionAttribute(instance), '--delete', ...(node ? ['--node', node] : [])], {
    timeoutMs: ATTRIBUTE_TIMEOUT_MS,
  });
}

/** attrd_updater on an attribute no node has a value of: "attribute does not exist" (exit 78 on Pacemaker 2.1.5), or CRM_EX_NOSUCH (105). */
const noSuchAttribute = (exitCode: number | undefined, stderr: string) => exitCode === 105 || /does not exist/i.test(stderr);

/**
 * `node`'s promotion score as attrd holds it; undefined when it has none
 * (attrd then answers with an empty value, or that the attribute does not exist).
 * Read from attrd, not the CIB: a new DC erases the transient attributes in
 * the CIB's status section until attrd writes them back, and a score read as
 * missing then would be rewritten mid-failover (aborting its transition).
 * Throws when attrd does not answer: unknown is not "unset".
 */
export async function getPromotionScore(instance: string, node: string): Promise<number | undefined> {
  const name = promotionAttribute(instance);
  // --node always: without it attrd_updater 2.1 answers for every node.
  const result = await run('attrd_updater', ['--query', '--name', name, '--node', node], { timeoutMs: ATTRIBUTE_TIMEOUT_MS });
  if (result.exitCode !== 0 && noSuchAttribute(result.exitCode, result.stderr)) return undefined;
  if (result.exitCode !== 0) throw new Error(`attrd_updater --query ${name} ${result.timedOut ? 'timed out' : `exited ${result.exitCode}`}: ${result.stderr || result.stdout}`);
  const value = parseAttrdQuery(result.stdout).get(node);
  return value === undefined ? undefined : parseScore(value);
}

/**
 * Private attributes live only in pacemaker-attrd (never in the CIB, so they
 * trigger no transition): the election uses them to exchange WAL positions.
 */
export async function setPrivateAttribute(name: string, value: string, node?: string): Promise<void> {
  const result = await run('attrd_updater', ['--private', '--lifetime', 'reboot', '--name', name, '--update', value, ...(node ? ['--node', node] : [])], {
    timeoutMs: ATTRIBUTE_TIMEOUT_MS,
  });
  if (result.exitCode !== 0) throw new Error(`attrd_updater could not set ${name}: ${result.stderr}`);
}

export async function deletePrivateAttribute(name: string, node?: string): Promise<void> {
  const result = await run('attrd_updater', ['--private', '--name', name, '--delete', ...(node ? ['--node', node] : [])], { timeoutMs: ATTRIBUTE_TIMEOUT_MS });
  if (result.exitCode !== 0) throw new Error(`attrd_updater could not delete ${name}${node ? ` on ${node}` : ''}: ${result.stderr}`);
}

/**
 * Values of a private attribute on every node that has it (`attrd_updater -Q -A`); throws when attrd does not answer.
 * Inside an agent action Pacemaker sets OCF_RESKEY_CRM_meta_on_node, and attrd_updater then answers for
 * that node only, --all notwithstanding (seen with Pacemaker 2.1.5): the variable is removed for this query.
 */
export async function queryAttributeOnAllNodes(name: string): Promise<Map<string, string>> {
  const result = await run('attrd_updater', ['--query', '--all', '--name', name], {
    timeoutMs: ATTRIBUTE_TIMEOUT_MS,
    env: { OCF_RESKEY_CRM_meta_on_node: undefined },
  });
  if (result.exitCode !== 0) throw new Error(`attrd_updater --query ${name} ${result.timedOut ? 'timed out' : `exited ${result.exitCode}`}: ${result.stderr || result.stdout}`);
  return parseAttrdQuery(result.stdout);
}

/** Parses `name="x" host="node1" value="y"` lines; an empty value means deleted. */
export function parseAttrdQuery(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const host = /host="([^"]*)"/.exec(line)?.[1];
    const value = /value="([^"]*)"/.exec(line)?.[1];
    if (host && value) values.set(host, value);
  }
  return values;
}

/** The local node's name as Pacemaker knows it. */
export async function localNodeName(): Promise<string | undefined> {
  const result = await run('crm_node', ['--name'], { timeoutMs: ATTRIBUTE_TIMEOUT_MS });
  return result.exitCode === 0 && result.stdout.trim() ? result.stdout.trim() : undefined;
}
