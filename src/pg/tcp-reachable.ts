import { connect, type Socket } from 'node:net';
import { parseConninfo } from './conninfo.js';

export interface TcpEndpoint {
  host: string;
  port: number;
}

/**
 * The TCP endpoints a libpq connection string names (hostaddr, else host;
 * comma-separated lists; one port for all or one per host), or undefined when
 * it names none or a Unix socket directory: then nothing can be probed.
 */
export function tcpEndpoints(conninfo: string): TcpEndpoint[] | undefined {
  const values = parseConninfo(conninfo);
  const hostList = values.get('hostaddr') || values.get('host');
  if (!hostList) return undefined;
  const hosts = hostList.split(',').map((h) => h.trim());
  if (hosts.some((h) => h === '' || h.startsWith('/') || h.startsWith('@'))) return undefined;
  const ports = (values.get('port') || '5432').split(',').map((p) => Number.parseInt(p.trim(), 10) || 5432);
  return hosts.map((host, i) => ({ host, port: ports.length === 1 ? ports[0]! : (ports[i] ?? 5432) }));
}

/**
 * Whether any endpoint answers a TCP connection attempt within timeoutMs,
 * accepting or refusing it: either way the machine is there. An address held
 * by nobody (a VIP whose node died) leaves the SYN unanswered, and libpq
 * would wait its whole connect_timeout on it.
 */
export function anyAnswers(endpoints: readonly TcpEndpoint[], timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sockets: Socket[] = [];
    let unanswered = endpoints.length;
    let settled = false;
    const finish = (answered: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      resolve(answered);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    if (endpoints.length === 0) finish(false);
    for (const { host, port } of endpoints) {
      const socket = connect({ host, port });
      sockets.push(socket);
      socket.once('connect', () => finish(true));
      socket.once('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'ECONNREFUSED') finish(true);
        else if (--unanswered === 0) finish(false);
      });
    }
  });
}
