import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeLabDriver, type LabPower } from '../../../src/fence/agents/lab-driver.ts';
import type { PowerStatus } from '../../../src/fence/driver.ts';
import type { FenceDeviceFault } from '../../../src/lab/fence-device.ts';

function fakeLab(nodes: Record<string, PowerStatus>, fault?: FenceDeviceFault) {
  const calls: string[] = [];
  const power: LabPower = {
    fenceDeviceFault: async () => fault,
    hang: () => new Promise<never>(() => calls.push('hang')),
    labNodes: async () => {
      calls.push('nodes');
      return Object.keys(nodes);
    },
    labPowerStatus: async (node) => nodes[node] ?? 'off',
    labPowerOff: async (node) => {
      calls.push(`off ${node}`);
      nodes[node] = 'off';
    },
    labPowerOn: async (node) => {
      calls.push(`on ${node}`);
      nodes[node] = 'on';
    },
  };
  return { power, calls, nodes };
}

describe('lab driver', () => {
  it('powers lab nodes off and on and reads their status', async () => {
    const lab = fakeLab({ node1: 'on', node2: 'on' });
    const driver = makeLabDriver(lab.power);
    await driver.off('node2');
    assert.equal(await driver.status('node2'), 'off');
    await driver.on('node2');
    assert.equal(await driver.status('node2'), 'on');
    assert.deepEqual(lab.calls, ['nodes', 'off node2', 'on node2']);
  });

  it('a name that is not a lab node is an error, never "off"', async () => {
    const driver = makeLabDriver(fakeLab({ node1: 'on' }).power);
    await assert.rejects(driver.status('node7'), /"node7" is not a lab node \(lab nodes: node1\)/);
    await assert.rejects(driver.off('node7'), /not a lab node/);
  });

  it('a failing device: status, off and on fail, and nothing is switched; its listing still answers', async () => {
    const lab = fakeLab({ node1: 'on' }, 'fail');
    const driver = makeLabDriver(lab.power);
    await assert.rejects(driver.status('node1'), /fence device fails/);
    await assert.rejects(driver.off('node1'), /fence device fails/);
    await assert.rejects(driver.on('node1'), /fence device fails/);
    assert.equal(lab.nodes.node1, 'on');
    assert.deepEqual(await driver.list(), [{ plug: 'node1' }]);
  });

  it('a device that switches nothing: off returns, the node stays on, and status says so', async () => {
    const lab = fakeLab({ node1: 'on' }, 'noop');
    const driver = makeLabDriver(lab.power);
    await driver.off('node1');
    assert.equal(await driver.status('node1'), 'on');
    assert.ok(!lab.calls.includes('off node1'));
  });

  it('a hanging device never answers', async () => {
    const lab = fakeLab({ node1: 'on' }, 'hang');
    const driver = makeLabDriver(lab.power);
    const answer = await Promise.race([driver.status('node1').then(() => 'answered'), new Promise((r) => setTimeout(() => r('still waiting'), 50))]);
    assert.equal(answer, 'still waiting');
    assert.deepEqual(lab.calls, ['hang']);
  });

  it('no running lab is an error', async () => {
    const driver = makeLabDriver(fakeLab({}).power);
    await assert.rejects(driver.status('node1'), /no lab is running/);
  });

  it('lists the lab nodes as plugs', async () => {
    const driver = makeLabDriver(fakeLab({ node1: 'on', node2: 'off' }).power);
    assert.deepEqual(await driver.list(), [{ plug: 'node1' }, { plug: 'node2' }]);
  });
});
