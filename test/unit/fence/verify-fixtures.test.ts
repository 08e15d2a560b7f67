import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { buildModel } from '../../../src/fence/verify/build-model.ts';
import type { CorosyncSettings } from '../../../src/fence/verify/cluster-model.ts';
import { corosyncSettings, flattenCorosyncConf } from '../../../src/fence/verify/parse-corosync.ts';
import { flattenCmapctl } from '../../../src/pacemaker/corosync.ts';
import { formatReport, verifyCluster } from '../../../src/fence/verify/verify-cluster.ts';

const FIXTURES = 'test/fixtures/fence-cib';
const read = (name: string) => readFileSync(`${FIXTURES}/${name}`, 'utf8');
const twoNode = corosyncSettings(flattenCorosyncConf(read('corosync-two-node.conf')), 'corosync.conf');
const threeNode = corosyncSettings(flattenCmapctl(read('cmapctl-three-node.txt')), 'cmap');

async function verify(cib: string, corosync?: CorosyncSettings) {
  return verifyCluster(await buildModel({ cibXml: read(cib), corosync }));
}
const failures = (r: Awaited<ReturnType<typeof verify>>) => r.findings.filter((f) => f.verdict === 'FAIL');
const warnings = (r: Awaited<ReturnType<typeof verify>>) => r.findings.filter((f) => f.verdict === 'WARN');

describe('fence verify over CIB fixtures (built with cibadmin --empty + pcs -f)', () => {
  it('good two-node cluster: PASS, with every node covered and the race broken by priority', async () => {
    const r = await verify('good-two-node.xml', twoNode);
    assert.equal(r.verdict, 'PASS', formatReport(r));
    const coverage = r.findings.filter((f) => f.check === 'coverage');
    assert.deepEqual(coverage.map((f) => [f.subject, f.message]), [
      ['node node1', 'fenced by fence-node1'],
      ['node node2', 'fenced by fence-node2'],
    ]);
    assert.ok(r.findings.some((f) => f.check === 'two-node' && /priority-fencing-delay=15s favours the node running pgsql-clone/.test(f.message)));
  });

  it('good three-node lab cluster: PASS, node1 through its topology level', async () => {
    const r = await verify('good-three-node.xml', threeNode);
    assert.equal(r.verdict, 'PASS', formatReport(r));
    assert.ok(r.findings.some((f) => f.subject === 'node node1' && /topology level\(s\) 1 \(fence-lab\)/.test(f.message)));
    assert.ok(!r.findings.some((f) => f.check === 'two-node'));
  });

  it('stonith disabled: FAIL with the pcs fix', async () => {
    const r = await verify('stonith-disabled.xml', threeNode);
    assert.equal(r.verdict, 'FAIL');
    const f = failures(r).find((x) => x.check === 'stonith-enabled');
    assert.ok(f);
    assert.match(f.fix!, /pcs property set stonith-enabled=true/);
  });

  it('a node with no device: FAIL for node3 and for node2 (its only device may run only on node2); stale map entry warned', async () => {
    const r = await verify('node-uncovered.xml', threeNode);
    assert.equal(r.verdict, 'FAIL');
    assert.deepEqual(failures(r).filter((f) => f.check === 'coverage').map((f) => f.subject), ['node node2', 'node node3']);
    assert.match(failures(r).find((f) => f.subject === 'node node2')!.message, /fence-node2 is not allowed on any node but node2/);
    assert.ok(r.findings.some((f) => f.subject === 'node node1' && f.verdict === 'PASS'));
    assert.ok(warnings(r).some((f) => f.check === 'host-map' && f.subject === 'device fence-node2' && /node9/.test(f.message)));
  });

  it('stonith-timeout shorter than the device power_timeout: FAIL on the device with a timeout fix', async () => {
    const r = await verify('short-stonith-timeout.xml', threeNode);
    const f = failures(r).find((x) => x.check === 'timeouts');
    assert.ok(f, formatReport(r));
    assert.equal(f.subject, 'device fence-all');
    assert.match(f.message, /stonith-timeout 10s is shorter than what a reboot may take: 30s \(power_timeout 30s\)/);
    assert.match(f.fix!, /pcmk_reboot_timeout=36s/);
  });

  it('two nodes without any fence delay: FAIL (fence race)', async () => {
    const r = await verify('two-node-no-delay.xml', twoNode);
    const f = failures(r).find((x) => x.check === 'two-node');
    assert.ok(f, formatReport(r));
    assert.match(f.message, /both nodes may fence each other/);
    assert.match(f.fix!, /priority-fencing-delay/);
  });

  it('two nodes without two_node: 1: FAIL', async () => {
    const noTwoNode = corosyncSettings(flattenCorosyncConf(read('corosync-two-node-no-two_node.conf')), 'corosync.conf');
    const r = await verify('good-two-node.xml', noTwoNode);
    assert.ok(failures(r).some((f) => f.check === 'two-node' && /two_node: 1/.test(f.message)));
  });

  it('the text report lists each node with its verdict and fix', async () => {
    const text = formatReport(await verify('node-uncovered.xml', threeNode));
    assert.match(text, /^cluster:\n/);
    assert.match(text, /node node3:\n {2}FAIL coverage: no fence device can fence node3/);
    assert.match(text, /\n {7}fix: pcs stonith create/);
    assert.match(text, /FAIL: \d+ passed, \d+ warning\(s\), \d+ failure\(s\)\n$/);
  });
});
