import { run } from '../exec/run.js';
import { failuresOf, parseCrmMon, rolesByNode, type CrmMon } from '../pacemaker/crm-mon.js';
import { decideResidue, isRedirectResidue, type ResidueDecision, type PendingRedirect } from '../election/redirect-residue.js';
import type { AgentContext } from './context.js';
import type { LocalState } from './local-state.js';
import { parseScore } from '../pacemaker/score.js';
import { errorMessage } from '../common/text.js';

const TOOL_TIMEOUT_MS = 5_000;

/**
 * A standby's monitor, while it remembers redirecting a promotion: once a node
 * is promoted and no transition runs (a CIB change would abort the one that
 * starts the VIP), clears the failed promote the redirect left on this node,
 * and only that operation, fail count included. Never fails the monitor.
 */
export async function clearRedirectResidue(ctx: AgentContext, state: LocalState): Promise<void> {
  const pending = state.redirected;
  if (!pending) return;
  try {
    const decision = await decide(ctx, pending);
    if (decision.action === 'wait') return ctx.log.debug(`redirect residue kept for now: ${decision.why}`);
    if (decision.action === 'clear') {
      // Pacemaker may end this monitor when it erases the history: whoever runs next finds it done.
      await clearFailedPromote(ctx.env.instance, ctx.node);
      ctx.log.info(`cleared the failed promote left by this node's redirected promotion (${pending.count})`);
    } else if (decision.action === 'forget') ctx.log.info(`redirect residue not cleared: ${decision.why}`);
    delete state.redirected;
  } catch (error) {
    ctx.log.warning(`clearing the redirected promote: ${errorMessage(error)}`);
  }
}

async function decide(ctx: AgentContext, pending: PendingRedirect): Promise<ResidueDecision> {
  const mon = await readMon();
  const here = failuresOf(mon, ctx.env.instance).filter((f) => f.node === ctx.node);
  const failure = here.find((f) => f.task === 'promote' && f.intervalMs === 0);
  const otherFailures = here.filter((f) => f !== failure);
  const promoted = [...rolesByNode(mon, ctx.env.instance).values()].includes('Promoted');
  // The fail count and the controller's state are asked only when there is a residue to clear.
  if (!failure || !isRedirectResidue(failure)) return decideResidue({ pending, failure, failCount: 0, otherFailures, promoted, idle: false });
  const [failCount, idle] = await Promise.all([promoteFailCount(ctx.env.instance, ctx.node), controllerIdle(mon.dc)]);
  return decideResidue({ pending, failure, failCount, otherFailures, promoted, idle });
}

async function readMon(): Promise<CrmMon> {
  const result = await run('crm_mon', ['--output-as=xml'], { timeoutMs: TOOL_TIMEOUT_MS });
  if (result.exitCode !== 0) throw new Error(`crm_mon exited ${result.exitCode}: ${result.stderr.trim()}`);
  return parseCrmMon(result.stdout);
}

/** Pacemaker's fail count of `instance`'s promote on `node` (0 when it has none). */
async function promoteFailCount(instance: string, node: string): Promise<number> {
  const result = await run('crm_attribute', ['--lifetime', 'reboot', '--node', node, '--name', `fail-count-${instance}#promote_0`, '--query', '--quiet'], {
    timeoutMs: TOOL_TIMEOUT_MS,
  });
  const value = result.stdout.trim();
  if (result.exitCode !== 0 || value === '') return 0;
  return parseScore(value) ?? 0;
}

/** Whether the DC's controller runs no transition (S_IDLE); unknown counts as busy. */
async function controllerIdle(dc: string | undefined): Promise<boolean> {
  if (!dc) return false;
  const result = await run('crmadmin', ['--status', dc], { timeoutMs: TOOL_TIMEOUT_MS });
  return result.exitCode === 0 && /\bS_IDLE\b/.test(result.stdout);
}

/**
 * The fail count of the promote (interval 0) on this node only. Pacemaker 2.1
 * and 3.0 erase the resource's whole history on the node with it (and probe it
 * again, a standby is found running as one): the caller makes sure no other
 * failure is recorded there.
 */
async function clearFailedPromote(instance: string, node: string): Promise<void> {
  const result = await run('crm_resource', ['--cleanup', '--resource', instance, '--node', node, '--operation', 'promote', '--interval', '0'], {
    timeoutMs: TOOL_TIMEOUT_MS,
  });
  if (result.exitCode !== 0) throw new Error(`crm_resource --cleanup exited ${result.exitCode}: ${(result.stderr || result.stdout).trim()}`);
}
