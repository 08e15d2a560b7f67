import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { anyAnswers, tcpEndpoints } from '../../../src/pg/tcp-reachable.js';

describe('tcpEndpoints(conninfo)', () => {
  it('reads host and port, 5432 by default', () => {
    assert.deepEqual(tcpEndpoints("host=10.0.0.9 user=replicator application_name='node1'"), [{ host: '10.0.0.9', port: 5432 }]);
    assert.deepEqual(tcpEndpoints('host=db-vip port=5433'), [{ host: 'db-vip', port: 5433 }]);
  });
  it('prefers hostaddr, and pairs host and port lists as libpq does', () => {
    assert.deepEqual(tcpEndpoints('host=db-vip hostaddr=10.0.0.9 port=5433'), [{ host: '10.0.0.9', port: 5433 }]);
    assert.deepEqual(tcpEndpoints('host=a,b port=5433'), [
      { host: 'a', port: 5433 },
      { host: 'b', port: 5433 },
    ]);
    assert.deepEqual(tcpEndpoints('host=a,b port=5433,5434'), [
      { host: 'a', port: 5433 },
      { host: 'b', port: 5434 },
    ]);
  });
  it('reads URIs', () => {
    assert.deepEqual(tcpEndpoints('postgresql://replicator@10.0.0.9:5433/postgres'), [{ host: '10.0.0.9', port: 5433 }]);
  });
  it('has nothing to probe for a Unix socket or no host at all', () => {
    assert.equal(tcpEndpoints('host=/run/postgresql port=5432'), undefined);
    assert.equal(tcpEndpoints('host=a,/tmp'), undefined);
    assert.equal(tcpEndpoints('user=replicator'), undefined);
  });
});

describe('anyAnswers(endpoints, timeoutMs)', () => {
  it('a listening port answers, and so does a closed one (refused: the machine is there)', async () => {
    const server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const open = (server.address() as AddressInfo).port;
    try {
      assert.equal(await anyAnswers([{ host: '127.0.0.1', port: open }], 1_000), true);
      const closed = await new Promise<number>((resolve) => {
        const probe = createServer();
        probe.listen(0, '127.0.0.1', () => {
          const port = (probe.address() as AddressInfo).port;
          probe.close(() => resolve(port));
        });
      });
      assert.equal(await anyAnswers([{ host: '127.0.0.1', port: closed }], 1_000), true);
    } finally {
      server.close();
    }
  });
  it('no endpoint: nothing answers', async () => {
    assert.equal(await anyAnswers([], 1_000), false);
  });
});
