import { pollUntil, Deadline, sleep } from '../exec/deadline.js';
import { launchDetached } from './launcher.js';
import { anchorPid, enterArgs, holderPid, runInNode, runInNodeChecked, runOnHost } from './node-exec.js';
import { LAB_PREFIX, NODE_NIC } from './layout.js';
import { mkdir, readFile } from 'node:fs/promises';
import { procStat } from '../common/proc.js';
import { nsInode, refOf } from './proc.js';
import { RUN_DIRS, privateMounts } from './node-fs.js';
import { writeHolderRef, type LabNodeState } from './state.js';

/**
 * Booting one node: a holder process (sleep) pins the node's own mount and UTS
 * namespaces inside its network namespace; its private directories and a
 * fresh tmpfs /run and /dev/shm are mounted there; then corosync and pacemakerd start in it.
 * Works from the host or from inside another node (through the anchor).
 */
const DAEMON_ENV = {
  PCMK_logfile: '/var/log/pacemaker/pacemaker.log',
  PCMK_logfacility: 'none',
  PCMK_debug: 'no',
};

export async function bootNode(node: LabNodeState, deadline = Deadline.after(30_000)): Promise<void> {
  await startHolder(node, deadline);
  await startStack(node, deadline);
}

/** The node's namespaces with its private mounts, hostname and fresh /run and /dev/shm; no daemons yet. */
export async function startHolder(node: LabNodeState, deadline = Deadline.after(15_000)): Promise<number> {
  const anchor = await anchorPid();
  const pid = launchDetached('nsenter', [
    '-t', String(anchor), '-m', '-n', '--',
    'ip', 'netns', 'exec', node.netns,
    'unshare', '--mount', '--uts', '--propagation', 'private', '--',
    'sleep', 'infinity',
  ]);
  // nsenter execs ip, which execs unshare, which execs sleep: wait for the last exec.
  const ready = await pollUntil(deadline.within(5_000), 20, async () => {
    const stat = await procStat(pid);
    if (!stat) throw new Error(`${node.name}: the namespace holder exited at start`);
    const comm = await readComm(pid);
    return comm === 'sleep' && (await nsInode(pid, 'net')) === node.netnsInode ? true : undefined;
  });
  if (!ready) throw new Error(`${node.name}: the namespace holder did not enter its namespaces`);
  await writeHolderRef(node.name, await refOf(pid));

  for (const m of privateMounts(node.name)) {
    await mkdir(m.target, { recursive: true }); // a bind mount needs its target, e.g. /var/lib/pgha on a fresh host
    await runInNodeChecked(node.name, ['mount', '--bind', m.source, m.target]);
  }
  await runInNodeChecked(node.name, ['mount', '-t', 'tmpfs', '-o', 'mode=0755', 'pgha-lab-run', '/run']);
  // A node's own /dev/shm, gone with its mount namespace: the libqb IPC files of SIGKILLed
  // Pacemaker daemons and the dynamic shared memory of killed postmasters would otherwise pile
  // up in the host's /dev/shm at every power-off (tens of GB over a day of lab runs).
  await runInNodeChecked(node.name, ['mount', '-t', 'tmpfs', '-o', 'mode=1777,nosuid,nodev', 'pgha-lab-shm', '/dev/shm']);
  for (const d of RUN_DIRS) {
    await runInNodeChecked(node.name, ['install', '-d', '-o', d.owner, '-g', d.group, '-m', d.mode, d.path]);
  }
  await runInNodeChecked(node.name, ['hostname', node.name]);
  // Power on: the NIC comes up with only the node's own address.
  await runInNodeChecked(node.name, ['ip', 'addr', 'flush', 'dev', NODE_NIC]);
  await runInNodeChecked(node.name, ['ip', 'addr', 'add', `${node.ip}/${LAB_PREFIX}`, 'dev', NODE_NIC]);
  await runInNodeChecked(node.name, ['ip', 'link', 'set', NODE_NIC, 'up']);
  return pid;
}

/** corosync, then (once its IPC answers) pacemakerd, in the node's namespaces. */
export async function startStack(node: LabNodeState, deadline = Deadline.after(20_000)): Promise<void> {
  const pid = await holderPid(node.name);
  launchDetached('nsenter', [...enterArgs(pid), 'corosync', '-f'], DAEMON_ENV);
  const quorate = await pollUntil(deadline.within(15_000), 100, async () => {
    const r = await runInNode(node.name, ['corosync-cfgtool', '-s'], { timeoutMs: 2_000 });
    return r.exitCode === 0 ? true : undefined;
  });
  if (!quorate) throw new Error(`${node.name}: corosync did not start (see ${node.name}:/var/log/corosync/corosync.log)`);
  launchDetached('nsenter', [...enterArgs(pid), 'pacemakerd', '-f'], DAEMON_ENV);
  await sleep(50);
}

/** Power off of the NIC: down, without addresses (run from the host namespaces: no process is left in the node). */
export async function unplugNic(node: LabNodeState): Promise<void> {
  for (const argv of [
    ['ip', '-n', node.netns, 'link', 'set', NODE_NIC, 'down'],
    ['ip', '-n', node.netns, 'addr', 'flush', 'dev', NODE_NIC],
  ]) {
    const result = await runOnHost(argv, { timeoutMs: 5_000 });
    if (result.exitCode !== 0) throw new Error(`${node.name}: ${argv.join(' ')}: ${result.stderr.trim()}`);
  }
}

async function readComm(pid: number): Promise<string | undefined> {
  try {
    return (await readFile(`/proc/${pid}/comm`, 'utf8')).trim();
  } catch {
    return undefined;
  }
}
