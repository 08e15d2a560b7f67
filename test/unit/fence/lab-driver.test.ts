import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeLabDriver, type LabPower } from '../../../src/fence/agents/lab-driver.ts';
import type { PowerStatus } from '../../../src/fence/driver.ts';

function fakeLab(nodes: Record<string, PowerStatus>) {
  const calls: string[] = [];
  const power: LabPower = {
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

  it('no running lab is an error', async () => {
    const driver = makeLabDriver(fakeLab({}).power);
    await assert.rejects(driver.status('node1'), /no lab is running/);
  });

  it('lists the lab nodes as plugs', async () => {
    const driver = makeLabDriver(fakeLab({ node1: 'on', node2: 'off' }).power);
    assert.deepEqual(await driver.list(), [{ plug: 'node1' }, { plug: 'node2' }]);
  });
});
