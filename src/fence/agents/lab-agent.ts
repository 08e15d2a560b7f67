import { defineFenceAgent } from '../fence-agent.js';
import { makeLabDriver, type LabPower } from './lab-driver.js';
import { PGHA_VERSION } from '../../common/version.js';


/** fence_pgha_lab: powers the nodes of the pgha namespace lab off and on. */
export function makeLabAgent(power: LabPower) {
  return defineFenceAgent({
    version: PGHA_VERSION,
    docs: {
      name: 'fence_pgha_lab',
      shortdesc: 'Fence agent for the pgha lab cluster (network namespaces on one host)',
      longdesc:
        'fence_pgha_lab powers a node of the pgha lab off by killing every process of that node at once, as pulling the plug would, and powers it on by booting its corosync and pacemaker again. The plug is the lab node name (node1, node2, ...); list prints the nodes of the running lab. It is for the lab only: it has no effect on real machines.',
      vendorUrl: 'https://github.com/pgha/pgha',
    },
    options: {},
    makeDriver: () => makeLabDriver(power),
  });
}
