// The Vagrantfile loads and validates with the Debian vagrant package alone (no
// VirtualBox, no vagrant-libvirt plugin): `vagrant validate --ignore-provider`, since
// without a usable provider plain `vagrant validate` stops before validating anything.
// The provisioning scripts must at least parse. The VMs themselves are not started here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function validate(env: Record<string, string>) {
  const dotfile = mkdtempSync(join(tmpdir(), 'pgha-vagrant-'));
  try {
    // VAGRANT_DOTFILE_PATH: no .vagrant/ left in the working tree.
    return spawnSync('vagrant', ['validate', '--ignore-provider'], {
      cwd: REPO,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, VAGRANT_DOTFILE_PATH: dotfile, VAGRANT_CHECKPOINT_DISABLE: '1', ...env },
    });
  } finally {
    rmSync(dotfile, { recursive: true, force: true });
  }
}

test('vagrant validate passes without any provider plugin, with or without fencing credentials and a built .deb', () => {
  const plugins = spawnSync('vagrant', ['plugin', 'list'], { encoding: 'utf8', env: { ...process.env, VAGRANT_CHECKPOINT_DISABLE: '1' } });
  assert.equal(plugins.status, 0, `vagrant is missing (apt-get install vagrant): ${plugins.stderr}`);
  const envs: Record<string, string>[] = [{}, { PGHA_FENCE_USER: 'fence', PGHA_FENCE_KEY: '/nonexistent/key' }];
  for (const env of envs) {
    const result = validate(env);
    assert.equal(result.status, 0, `${JSON.stringify(env)}\n${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, /Vagrantfile validated successfully/);
    for (const node of ['node1', 'node2', 'node3']) assert.match(result.stdout, new RegExp(`${node}: `));
  }
});

test('the provisioning scripts parse (bash -n)', () => {
  for (const script of ['vagrant/provision-node.sh', 'vagrant/provision-cluster.sh']) {
    const result = spawnSync('bash', ['-n', join(REPO, script)], { encoding: 'utf8' });
    assert.equal(result.status, 0, `${script}: ${result.stderr}`);
  }
});
