// Entry point of /usr/sbin/fence_pgha_lab (bundled to dist/fence_pgha_lab.cjs).
import { labNodes, labPowerOff, labPowerOn, labPowerStatus } from '../../lab/power.js';
import { fenceDeviceFault, hangForever } from '../../lab/fence-device.js';
import { fenceAgentMain } from '../fence-main.js';
import { makeLabAgent } from './lab-agent.js';

fenceAgentMain(makeLabAgent({ labNodes, labPowerStatus, labPowerOff, labPowerOn, fenceDeviceFault, hang: hangForever }));
