import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { labPostgresLayout, postgresPackages, resolveLabMajor, wantedLabMajor } from '../../../src/lab/lab-postgres.ts';
import { privateDirs } from '../../../src/lab/node-fs.ts';

describe("the lab's PostgreSQL", () => {
  it('derives every path from the major version', () => {
    for (const major of [15, 17, 18]) {
      assert.deepEqual(labPostgresLayout(major), {
        major,
        bindir: `/usr/lib/postgresql/${major}/bin`,
        versionDir: `/var/lib/postgresql/${major}`,
        pgdata: `/var/lib/postgresql/${major}/lab`,
        confPath: `/var/lib/postgresql/${major}/pgha-lab.conf`,
        hbaPath: `/var/lib/postgresql/${major}/pgha-lab-hba.conf`,
      });
    }
  });

  it("creates the major's directory in each node's private /var/lib/postgresql, owned by postgres", () => {
    const dirs = privateDirs(labPostgresLayout(17));
    assert.deepEqual(dirs.find((d) => d.path.startsWith('/var/lib/postgresql')), { path: '/var/lib/postgresql/17', owner: 'postgres', group: 'postgres', mode: 0o755 });
    assert.ok(!dirs.some((d) => /\/15\b/.test(d.path)));
  });

  it('runs the major asked for by --pg-version, else by PGHA_PG_VERSION', () => {
    assert.equal(wantedLabMajor(17, { PGHA_PG_VERSION: '15' }), 17);
    assert.equal(wantedLabMajor(undefined, { PGHA_PG_VERSION: '15' }), 15);
    assert.equal(wantedLabMajor(undefined, {}), undefined);
    assert.equal(wantedLabMajor(undefined, { PGHA_PG_VERSION: '' }), undefined);
    assert.throws(() => wantedLabMajor(undefined, { PGHA_PG_VERSION: 'seventeen' }), /^Error: PGHA_PG_VERSION: not a PostgreSQL major version: "seventeen"/);
  });

  it('chooses among the installed majors, or leaves the choice to the install when none is', () => {
    assert.equal(resolveLabMajor(undefined, [17]), 17);
    assert.equal(resolveLabMajor(15, [15, 17]), 15);
    assert.equal(resolveLabMajor(undefined, []), undefined);
    assert.equal(resolveLabMajor(16, []), undefined);
    assert.throws(() => resolveLabMajor(undefined, [15, 17]), /several PostgreSQL versions are installed \(15, 17\): choose one with --pg-version N \(or PGHA_PG_VERSION=N\)/);
    assert.throws(() => resolveLabMajor(16, [15]), /PostgreSQL 16 is not installed .*installed: 15/);
  });

  it("installs Debian's default PostgreSQL through the metapackages when none is installed, the major asked for if any, else nothing", () => {
    assert.deepEqual(postgresPackages([], undefined), ['postgresql', 'postgresql-client']);
    assert.deepEqual(postgresPackages([], 16), ['postgresql-16', 'postgresql-client-16']);
    assert.deepEqual(postgresPackages([15], undefined), []);
    assert.deepEqual(postgresPackages([15, 17], 17), []);
  });
});
