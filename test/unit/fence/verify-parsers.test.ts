import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkStonithEnabled } from '../../../src/fence/verify/checks/cluster-properties.ts';
import { checkSbd } from '../../../src/fence/verify/checks/sbd.ts';
import { checkTopology, pcsLevelTarget } from '../../../src/fence/verify/checks/topology.ts';
import { withFencingAliases } from '../../../src/pacemaker/cib.ts';
import type { ClusterModel, FenceDevice } from '../../../src/fence/verify/cluster-model.ts';
import { devicePlacement, deviceTargets, parseHostMap } from '../../../src/fence/verify/device-reach.ts';
import { parseDurationMs } from '../../../src/fence/verify/duration.ts';
import { corosyncSettings, flattenCorosyncConf, parseSbdConfig, parseSbdMsgwait } from '../../../src/fence/verify/parse-corosync.ts';

const device = (id: string, params: Record<string, string> = {}, agent = 'fence_virsh'): FenceDevice => ({ id, agent, params, meta: {} });
const model = (over: Partial<ClusterModel>): ClusterModel => ({
  nodes: ['node1', 'node2', 'node3'],
  properties: {},
  rscDefaults: {},
  devices: [],
  locations: [],
  levels: [],
  resources: [],
  nodeAttributes: {},
  dynamicTargets: {},
  ...over,
});

describe('parseDurationMs', () => {
  it('reads Pacemaker durations', () => {
    assert.equal(parseDurationMs('60'), 60_000);
    assert.equal(parseDurationMs('90s'), 90_000);
    assert.equal(parseDurationMs('500ms'), 500);
    assert.equal(parseDurationMs('2min'), 120_000);
    assert.equal(parseDurationMs('1h'), 3_600_000);
    assert.equal(parseDurationMs('PT1M30S'), 90_000);
    assert.equal(parseDurationMs('soon'), undefined);
    assert.equal(parseDurationMs(undefined), undefined);
  });
});

describe('pcmk_host_map and targets', () => {
  it('parses ; and blank separated node:plug pairs, = too, with escapes, and reports malformed entries', () => {
    const map = parseHostMap('node1:vm1;node2=vm2  node3:4,5;bad;node\\:x:p');
    assert.deepEqual([...map.entries], [['node1', 'vm1'], ['node2', 'vm2'], ['node3', '4,5'], ['node:x', 'p']]);
    assert.deepEqual(map.malformed, ['bad']);
  });

  it('follows pcmk_host_check and its default', () => {
    assert.equal(deviceTargets(device('d', { pcmk_host_list: 'node1,node2' })).mode, 'static');
    assert.equal(deviceTargets(device('d')).mode, 'dynamic');
    assert.equal(deviceTargets(device('d', { pcmk_host_check: 'none' })).mode, 'any');
    assert.deepEqual(deviceTargets(device('d'), { d: ['node2'] }), { mode: 'dynamic', check: 'dynamic-list', targets: ['node2'] });
  });

  it('places a device by location constraints, symmetric-cluster and target-role', () => {
    const d = device('fence-a');
    const nodes = ['node1', 'node2', 'node3'];
    const locations = [{ id: 'l1', rsc: 'fence-a', node: 'node1', score: '-INFINITY', hasRule: false }];
    assert.deepEqual(devicePlacement(d, model({ locations }), nodes).allowed, ['node2', 'node3']);
    const optIn = model({ properties: { 'symmetric-cluster': 'false' }, locations: [{ id: 'l2', rscPattern: '^fence-', node: 'node3', score: '100', hasRule: false }] });
    assert.deepEqual(devicePlacement(d, optIn, nodes).allowed, ['node3']);
    assert.deepEqual(devicePlacement({ ...d, meta: { 'target-role': 'Stopped' } }, model({}), nodes).allowed, []);
  });
});

describe('corosync and sbd settings', () => {
  it('flattens corosync.conf, counting repeated node blocks and ignoring comments', () => {
    const flat = flattenCorosyncConf('quorum {\n  provider: corosync_votequorum # here\n  device {\n    model: net\n  }\n}\nnodelist {\n node {\n  name: a\n }\n node {\n  name: b\n }\n}\n');
    assert.equal(flat['quorum.device.model'], 'net');
    const settings = corosyncSettings(flat, 'x');
    assert.deepEqual(settings.nodes, ['a', 'b']);
    assert.equal(settings.qdevice, true);
    assert.equal(settings.twoNode, undefined);
  });

  it('reads /etc/default/sbd and sbd dump msgwait', () => {
    const sbd = parseSbdConfig('SBD_DEVICE="/dev/disk/by-id/a;/dev/disk/by-id/b"\nSBD_WATCHDOG_TIMEOUT=10\n#SBD_PACEMAKER=yes\n', '/etc/default/sbd');
    assert.deepEqual(sbd.devices, ['/dev/disk/by-id/a', '/dev/disk/by-id/b']);
    assert.equal(sbd.watchdogTimeoutS, 10);
    assert.equal(parseSbdMsgwait('==Header on disk /dev/x is dumped\nTimeout (watchdog) : 15\nTimeout (msgwait)  : 30\n'), 30);
  });
});

describe('sbd and topology checks', () => {
  it('disk sbd: stonith-timeout must exceed msgwait', () => {
    const m = model({ devices: [device('sbd', {}, 'fence_sbd')], properties: { 'stonith-timeout': '20s' }, sbd: { devices: ['/dev/x'], watchdogTimeoutS: 15, msgwaitS: 30, source: 's' } });
    assert.equal(checkSbd(m)[0]!.verdict, 'FAIL');
    assert.equal(checkSbd({ ...m, properties: { 'stonith-timeout': '60s' } })[0]!.verdict, 'PASS');
  });

  it('diskless sbd: watchdog timeout ordering, and invalid on two nodes without qdevice', () => {
    const m = model({ nodes: ['node1', 'node2'], properties: { 'stonith-watchdog-timeout': '5s' }, sbd: { devices: [], watchdogTimeoutS: 5, source: 's' } });
    const verdicts = checkSbd(m).map((f) => `${f.verdict} ${f.message.slice(0, 40)}`);
    assert.equal(checkSbd(m).filter((f) => f.verdict === 'FAIL').length, 2, verdicts.join('\n'));
    assert.ok(checkSbd(m).some((f) => /needs real quorum/.test(f.message)));
    const ok = model({ properties: { 'stonith-watchdog-timeout': '-1', 'stonith-timeout': '60s' }, sbd: { devices: [], watchdogTimeoutS: 5, source: 's' } });
    assert.deepEqual(checkSbd(ok).map((f) => f.verdict), ['PASS']);
  });

  it('topology: missing devices, duplicate indexes, levels matching no node', () => {
    const m = model({
      devices: [device('ipmi-1', { pcmk_host_list: 'node1' })],
      levels: [
        { id: 'l1', index: 1, devices: ['ipmi-1'], target: 'node1' },
        { id: 'l2', index: 1, devices: ['kdump'], target: 'node1' },
        { id: 'l3', index: 1, devices: ['ipmi-1'], targetPattern: '^db-' },
      ],
    });
    const findings = checkTopology(m);
    assert.ok(findings.some((f) => f.verdict === 'FAIL' && /also used by l1/.test(f.message)));
    assert.ok(findings.some((f) => f.verdict === 'FAIL' && /do not exist: kdump/.test(f.message)));
    assert.ok(findings.some((f) => f.verdict === 'WARN' && f.subject === 'level l3'));
  });

  it('advises removing a level in the syntax pcs 0.11 and 0.12 both accept (target keyword)', () => {
    const m = model({ devices: [], levels: [{ id: 'l2', index: 2, devices: ['kdump'], target: 'node1' }] });
    assert.ok(checkTopology(m).some((f) => f.fix?.startsWith('pcs stonith level remove 2 target node1,')), JSON.stringify(checkTopology(m)));
    assert.equal(pcsLevelTarget({ targetPattern: '^db-' }), 'regexp%^db-');
    assert.equal(pcsLevelTarget({ targetAttribute: 'rack', targetValue: '1' }), 'attrib%rack=1');
  });
});

describe('fencing-* option names (Pacemaker 3.0.2)', () => {
  it('reads the new names as the old ones, the new winning when both are set', () => {
    assert.deepEqual(withFencingAliases({ 'stonith-enabled': 'true', 'stonith-timeout': '60s' }), { 'stonith-enabled': 'true', 'stonith-timeout': '60s' });
    assert.deepEqual(
      withFencingAliases({ 'fencing-enabled': 'false', 'fencing-timeout': '90s', 'fencing-action': 'off', 'fencing-watchdog-timeout': '10s', 'stonith-timeout': '60s' }),
      {
        'fencing-enabled': 'false', 'fencing-timeout': '90s', 'fencing-action': 'off', 'fencing-watchdog-timeout': '10s',
        'stonith-enabled': 'false', 'stonith-timeout': '90s', 'stonith-action': 'off', 'stonith-watchdog-timeout': '10s',
      },
    );
  });
  it('a cluster that disabled fencing under the new name fails the check', () => {
    const m = model({ devices: [device('ipmi-1', { pcmk_host_list: 'node1' })], properties: withFencingAliases({ 'fencing-enabled': 'false' }) });
    assert.equal(checkStonithEnabled(m)[0]!.verdict, 'FAIL');
  });
});
