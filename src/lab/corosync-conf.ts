import { CLUSTER_NAME, type LabNodeLayout } from './layout.js';

/**
 * corosync.conf for the lab: knet without crypto (an isolated bridge), a 1 s
 * token (runtime token 1650 ms for 3 nodes), one ring per node, votequorum.
 * Pure text. Every block on its own lines: the parser rejects `node { a: b }`.
 */
export function corosyncConf(nodes: readonly LabNodeLayout[], tokenMs = 1000): string {
  const lines = [
    'totem {',
    '    version: 2',
    `    cluster_name: ${CLUSTER_NAME}`,
    '    transport: knet',
    '    crypto_cipher: none',
    '    crypto_hash: none',
    `    token: ${tokenMs}`,
    '}',
    '',
    'nodelist {',
    ...nodes.flatMap((n) => ['    node {', `        ring0_addr: ${n.ip}`, `        name: ${n.name}`, `        nodeid: ${n.id}`, '    }']),
    '}',
    '',
    'quorum {',
    '    provider: corosync_votequorum',
    // Two nodes keep quorum when one fails (fencing decides who survives).
    ...(nodes.length === 2 ? ['    two_node: 1'] : []),
    '}',
    '',
    'logging {',
    '    to_logfile: yes',
    '    logfile: /var/log/corosync/corosync.log',
    '    to_stderr: no',
    '    to_syslog: no',
    '    timestamp: on',
    '}',
    '',
  ];
  return lines.join('\n');
}
