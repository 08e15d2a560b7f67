// The Debian package end to end: scripts/build-deb.sh builds it, apt-get installs it
// (the real dependency check: nodejs >= 18.19 and pacemaker-cli-utils from this machine's
// dpkg database), Pacemaker's own tools read the agents it ships, and apt-get remove
// then purge leave nothing behind, V8 code caches included.
//
// apt runs inside Sandbox (test/package/sandbox.ts): overlays over /usr, /etc and /var
// in a private mount namespace. Installing then removing the package directly on the
// host would delete /usr/lib/pgha for a few seconds under the lab cluster that runs
// from it (a monitor in that window fails and Pacemaker recovers the resource), and
// could not restore an install that another test had just changed. The sandbox starts
// from this machine's real files and package database, minus any unpackaged pgha
// install (the state of a machine that never had pgha), and the host is checked
// untouched at the end.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { INSTALL_PATHS } from '../../src/packaging/install-files.js';
import { Sandbox } from './sandbox.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const VERSION = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
/** Paths only the package creates: they must not appear on the host. */
const PACKAGE_ONLY = ['/usr/share/doc/pgha', '/usr/share/man/man8/pgha.8.gz', '/usr/share/man/man7/ocf_pgha_postgresql.7.gz', '/var/lib/dpkg/info/pgha.list'];
/** Unpackaged installs (`pgha install`) are removed in the sandbox: it starts as a machine without pgha. */
const UNPACKAGED = [INSTALL_PATHS.libDir, '/usr/lib/ocf/resource.d/pgha', INSTALL_PATHS.cli, '/usr/sbin/fence_pgha_lab'];

const hostPackageState = () => spawnSync('dpkg-query', ['-W', '-f=${Status}', 'pgha'], { encoding: 'utf8' }).stdout;

describe('pgha Debian package', { timeout: 900_000 }, () => {
  let sandbox: Sandbox;
  let deb: string;
  let files: string[] = [];
  let parameterNames: string[] = [];
  const hostBefore = { state: '', present: [] as string[] };

  before(() => {
    assert.equal(process.getuid?.(), 0, 'the package test installs with apt-get: run it as root');
    hostBefore.state = hostPackageState();
    hostBefore.present = PACKAGE_ONLY.filter((p) => existsSync(p));
    assert.ok(existsSync(join(REPO, 'dist', 'pgha.cjs')), 'run npm run build first');
    const out = execFileSync(join(REPO, 'scripts', 'build-deb.sh'), { cwd: REPO, encoding: 'utf8', env: { ...process.env, PGHA_SKIP_BUILD: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    deb = out.trim().split('\n').at(-1)!;
    sandbox = new Sandbox();
  });

  after(() => {
    sandbox?.remove();
    // The host never saw the package: same dpkg state, no file only the package has.
    assert.equal(hostPackageState(), hostBefore.state, 'the host dpkg database changed');
    assert.deepEqual(PACKAGE_ONLY.filter((p) => existsSync(p)), hostBefore.present, 'the package test wrote to the host');
  });

  it(`is named pgha_${VERSION}_all.deb and declares an honest nodejs dependency`, () => {
    assert.equal(deb, join(REPO, 'dist', 'deb', `pgha_${VERSION}_all.deb`));
    const field = (name: string) => execFileSync('dpkg-deb', ['-f', deb, name], { encoding: 'utf8' }).trim();
    assert.equal(field('Package'), 'pgha');
    assert.equal(field('Version'), VERSION);
    assert.equal(field('Architecture'), 'all');
    const depends = field('Depends');
    assert.match(depends, /(^|, )nodejs \(>= 18\.19\)(,|$)/, depends);
    const lintian = spawnSync('lintian', ['--fail-on', 'error,warning', deb], { encoding: 'utf8', timeout: 300_000 });
    assert.equal(lintian.status, 0, `lintian:\n${lintian.stdout}${lintian.stderr}`);
  });

  it('installs with apt-get on this machine, whose nodejs package satisfies the dependency', () => {
    const nodejs = execFileSync('dpkg-query', ['-W', '-f=${Version}', 'nodejs'], { encoding: 'utf8' });
    assert.equal(spawnSync('dpkg', ['--compare-versions', nodejs, 'ge', '20']).status, 0, `the nodejs package here is ${nodejs}, older than 20`);
    const out = sandbox.check(
      `rm -rf ${UNPACKAGED.join(' ')}
apt-get install -y --no-install-recommends ${deb} >/dev/null
dpkg-query -W -f='\${Status}\\n' pgha
dpkg -L pgha`,
    );
    const [status, ...listed] = out.trim().split('\n');
    assert.equal(status, 'install ok installed');
    files = listed;
    for (const path of [INSTALL_PATHS.ocfAgent, INSTALL_PATHS.cli, '/usr/sbin/fence_pgha_lab', '/usr/lib/pgha/dist/agent.cjs', '/usr/share/doc/pgha/copyright', '/usr/share/doc/pgha/quickstart.md.gz', '/usr/share/man/man8/pgha.8.gz', '/usr/share/man/man7/ocf_pgha_postgresql.7.gz', '/usr/share/man/man8/fence_pgha_lab.8.gz']) {
      assert.ok(files.includes(path), `${path} is not in the package:\n${files.join('\n')}`);
    }
    assert.ok(!files.some((f) => f.endsWith('.v8cache') || f.endsWith('.map') || f.startsWith('/usr/lib/pgha/dist/man')), files.join('\n'));
  });

  it('gives Pacemaker the agent: crm ra info and pcs resource describe list every parameter of its meta-data', () => {
    const names = [...sandbox.check(`${INSTALL_PATHS.ocfAgent} meta-data`).matchAll(/<parameter name="([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(names.includes('pgdata'), names.join(' '));
    parameterNames = names;
    const crm = sandbox.check('crm ra info ocf:pgha:postgresql');
    const pcs = sandbox.check('pcs resource describe ocf:pgha:postgresql');
    assert.match(crm, /\(ocf:pgha:postgresql\)/);
    assert.match(pcs, /^ocf:pgha:postgresql - /m);
    for (const name of names) {
      assert.match(crm, new RegExp(`^${name} \\(`, 'm'), `crm ra info misses ${name}`);
      assert.match(pcs, new RegExp(`^\\s+${name}: `, 'm'), `pcs resource describe misses ${name}`);
    }
  });

  it('gives pacemaker-fenced every fence agent as a regular file in /usr/sbin (stonith_admin --metadata)', () => {
    const agents = files.filter((f) => /^\/usr\/sbin\/fence_[^/]+$/.test(f));
    assert.ok(agents.length > 0, 'no fence agent in the package');
    for (const agent of agents) {
      const name = agent.slice('/usr/sbin/'.length);
      const out = sandbox.check(`test -f ${agent} && test ! -L ${agent} && test -x ${agent}\nstonith_admin --metadata --agent ${name}`);
      assert.match(out, new RegExp(`<resource-agent name="${name}"`), out);
    }
  });

  it('installs man pages man(1) finds and renders', () => {
    const out = sandbox.check('for page in pgha pgha-configure pgha-status pgha-switchover pgha-fence pgha-lab pgha-install ocf_pgha_postgresql fence_pgha_lab; do man -w "$page"; done\nman -l "$(man -w 7 ocf_pgha_postgresql)" | col -b');
    assert.match(out, /\/usr\/share\/man\/man8\/pgha\.8\.gz/);
    assert.match(out, /\/usr\/share\/man\/man7\/ocf_pgha_postgresql\.7\.gz/);
    for (const name of parameterNames) assert.ok(out.includes(`${name} - `), `ocf_pgha_postgresql(7) misses ${name}`);
  });

  it('runs the installed CLI, agent and fence agent (which write V8 code caches beside the bundles)', () => {
    const out = sandbox.check(`pgha --version
${INSTALL_PATHS.ocfAgent} meta-data >/dev/null
fence_pgha_lab -o metadata >/dev/null
# A cache a killed launcher was writing (<bundle>.v8cache.<pid>).
echo partial > /usr/lib/pgha/dist/pgha.cjs.v8cache.4242
ls /usr/lib/pgha/dist`);
    assert.equal(out.split('\n')[0], VERSION);
    for (const cache of ['agent.cjs.v8cache', 'pgha.cjs.v8cache', 'fence_pgha_lab.cjs.v8cache', 'pgha.cjs.v8cache.4242']) assert.ok(out.includes(cache), `no ${cache}:\n${out}`);
  });

  it('apt-get remove deletes every file of the package and the code caches', () => {
    const out = sandbox.check(`apt-get remove -y pgha >/dev/null
dpkg-query -W -f='\${Status}\\n' pgha || true
for path in ${files.map((f) => `'${f}'`).join(' ')}; do
  if [ -e "$path" ] || [ -L "$path" ]; then [ -d "$path" ] && [ ! -L "$path" ] && [ -n "$(ls -A "$path")" ] && continue; echo "LEFT $path"; fi
done
for path in ${UNPACKAGED.join(' ')}; do if [ -e "$path" ] || [ -L "$path" ]; then echo "LEFT $path"; fi; done`);
    const lines = out.trim().split('\n');
    assert.match(lines[0]!, /^deinstall ok (config-files|not-installed)$/);
    assert.deepEqual(lines.filter((l) => l.startsWith('LEFT')), []);
  });

  it('apt-get purge forgets the package and leaves no file anywhere', () => {
    const out = sandbox.check(`apt-get purge -y pgha >/dev/null
dpkg-query -W -f='\${Status}\\n' pgha 2>/dev/null || echo unknown
ls /var/lib/dpkg/info | grep '^pgha\\.' || true`);
    assert.match(out.trim(), /^(unknown|[a-z]+ ok not-installed)$/);
    // In /usr and /etc a run may only leave directories that the host has (copied up by
    // overlayfs); in /var nothing named after pgha (apt's logs and caches are expected).
    const leftovers = sandbox.leftovers().filter((path) => {
      if (path.startsWith('/var/')) return path.includes('pgha');
      return !(existsSync(path) && execFileSync('stat', ['-c', '%F', path], { encoding: 'utf8' }).trim() === 'directory');
    });
    assert.deepEqual(leftovers, []);
  });
});
