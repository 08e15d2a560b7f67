import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigureOptions } from '../../../src/cli/configure/configure-options.js';
import { buildConfigurePlan, formatPlan } from '../../../src/cli/configure/configure-plan.js';

const doc = readFileSync(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'quickstart.md'), 'utf8');
const example = {
  nodes: 'node1,node2,node3', vip: '192.168.122.40/24', vipNic: 'eth0', bindir: '/usr/lib/postgresql/15/bin',
  pgdata: '/etc/postgresql/15/main', datadir: '/var/lib/postgresql/15/main', startOpts: '-c config_file=/etc/postgresql/15/main/postgresql.conf',
};

for (const tool of ['pcs', 'crm'] as const) {
  test(`docs/quickstart.md shows exactly what pgha configure --tool ${tool} prints`, () => {
    const output = formatPlan(buildConfigurePlan(ConfigureOptions.parse({ ...example, tool })));
    assert.ok(doc.includes(`\`\`\`\n${output}\`\`\``), `quickstart.md is out of date for ${tool}; expected:\n${output}`);
  });
}
