import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  authConfigIncludes,
  includedDirectoryFiles,
  includeLocation,
  resolveConfigSources,
  serverConfigIncludes,
  unquoteServerString,
  type ConfigReader,
} from '../../../src/rejoin/config-includes.js';

describe('postgresql.conf include directives (guc-file.l rules)', () => {
  it('reads include, include_if_exists and include_dir, with or without "=", quoted or not, in order', () => {
    const text = [
      "include 'node.conf'",
      'include_if_exists = extra.conf   # a comment',
      "  include_dir='conf.d'",
      "INCLUDE 'upper.conf'",
      "port = 5432",
      "primary_conninfo = 'host=vip application_name=node1'",
    ].join('\n');
    assert.deepEqual(serverConfigIncludes(text), [
      { kind: 'include', path: 'node.conf' },
      { kind: 'include_if_exists', path: 'extra.conf' },
      { kind: 'include_dir', path: 'conf.d' },
      { kind: 'include', path: 'upper.conf' },
    ]);
  });
  it('skips comments, commented-out directives, malformed lines and empty names; keeps # inside quotes', () => {
    const text = ["# include 'no.conf'", "include 'a#b.conf' # real", "include 'x.conf' junk", "include ''", 'include /abs/unquoted.conf', "include 'unterminated"].join('\n');
    assert.deepEqual(serverConfigIncludes(text), [{ kind: 'include', path: 'a#b.conf' }]);
  });
  it('unescapes quoted strings as DeescapeQuotedString does', () => {
    assert.equal(unquoteServerString("it''s"), "it's");
    assert.equal(unquoteServerString("a\\'b"), "a'b");
    assert.equal(unquoteServerString('tab\\there'), 'tab\there');
    assert.equal(unquoteServerString('\\101\\x'), 'Ax');
    assert.deepEqual(serverConfigIncludes("include '/etc/my dir/it''s.conf'"), [{ kind: 'include', path: "/etc/my dir/it's.conf" }]);
  });
  it('reads a qualified name as a setting, not a directive', () => {
    assert.deepEqual(serverConfigIncludes("include.x = 'a.conf'"), []);
  });
});

describe('pg_hba.conf / pg_ident.conf includes (hba.c rules)', () => {
  it('reads include directives and @file lists, not quoted ones', () => {
    const text = [
      'include hba-node.conf',
      'include_dir "hba.d"',
      'host all @admins.txt 10.0.0.0/8 scram-sha-256',
      'host "@notafile" all 10.0.0.0/8 trust',
      '"include" quoted.conf',
      '# include commented.conf',
      'local all,@more.txt all peer',
    ].join('\n');
    assert.deepEqual(authConfigIncludes(text), [
      { kind: 'include', path: 'hba-node.conf' },
      { kind: 'include_dir', path: 'hba.d' },
      { kind: 'include_if_exists', path: 'admins.txt' },
      { kind: 'include_if_exists', path: 'more.txt' },
    ]);
  });
  it('joins a line continued with a backslash', () => {
    assert.deepEqual(authConfigIncludes('include \\\n  cont.conf\n'), [{ kind: 'include', path: 'cont.conf' }]);
  });
});

describe('include locations and include_dir order', () => {
  it('resolves a relative path against the including file\'s directory, an absolute one as is', () => {
    assert.equal(includeLocation('node.conf', '/var/lib/pg/data/postgresql.conf'), '/var/lib/pg/data/node.conf');
    assert.equal(includeLocation('../shared/x.conf', '/var/lib/pg/data/conf.d/a.conf'), '/var/lib/pg/data/shared/x.conf');
    assert.equal(includeLocation('/etc/pg/x.conf', '/var/lib/pg/data/postgresql.conf'), '/etc/pg/x.conf');
  });
  it('takes *.conf only, no dot files, in C-locale byte order', () => {
    assert.deepEqual(includedDirectoryFiles(['b.conf', '.hidden.conf', 'a.txt', 'B.conf', '10.conf', '9.conf', 'é.conf', 'a.conf.bak', 'z.conf']), [
      '10.conf',
      '9.conf',
      'B.conf',
      'b.conf',
      'z.conf',
      'é.conf',
    ]);
  });
});

/** An in-memory file system: paths ending in / are directories listed by their children. */
function memoryReader(files: Record<string, string>): ConfigReader {
  return {
    readFile: async (path) => files[path],
    listFiles: async (dir) => {
      const prefix = dir.endsWith('/') ? dir : `${dir}/`;
      const names = Object.keys(files)
        .filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes('/'))
        .map((p) => p.slice(prefix.length));
      return names.length > 0 || Object.keys(files).some((p) => p.startsWith(prefix)) ? names : undefined;
    },
  };
}

describe('resolveConfigSources', () => {
  it('walks includes recursively, each file once, in the order the server reads them', async () => {
    const reader = memoryReader({
      '/d/postgresql.conf': "include 'node.conf'\ninclude_dir 'conf.d'\ninclude_if_exists 'missing.conf'\ninclude 'node.conf'\n",
      '/d/node.conf': "primary_conninfo = 'application_name=node1'\ninclude 'sub/deeper.conf'\n",
      '/d/sub/deeper.conf': 'port = 5433\n',
      '/d/conf.d/20-b.conf': "include '../node.conf'\n",
      '/d/conf.d/10-a.conf': 'work_mem = 8MB\n',
      '/d/conf.d/.skip.conf': '',
      '/d/conf.d/notes.txt': '',
      '/d/postgresql.auto.conf': "shared_buffers = '64MB'\n",
      '/d/pg_hba.conf': 'include hba-node.conf\nhost all @users 0.0.0.0/0 md5\n',
      '/d/hba-node.conf': 'local all all peer\n',
    });
    const result = await resolveConfigSources(
      [
        { path: '/d/postgresql.conf', syntax: 'server' },
        { path: '/d/postgresql.auto.conf', syntax: 'server' },
        { path: '/d/pg_hba.conf', syntax: 'auth' },
        { path: '/d/pg_ident.conf', syntax: 'auth' },
      ],
      reader,
    );
    assert.deepEqual(
      result.files.map((f) => f.path),
      ['/d/postgresql.conf', '/d/node.conf', '/d/sub/deeper.conf', '/d/conf.d/10-a.conf', '/d/conf.d/20-b.conf', '/d/postgresql.auto.conf', '/d/pg_hba.conf', '/d/hba-node.conf'],
    );
    assert.equal(result.files.find((f) => f.path === '/d/hba-node.conf')?.syntax, 'auth');
    assert.deepEqual(result.problems, []);
  });
  it('reports a missing include and a missing include_dir, and ends a cycle at the depth limit', async () => {
    const reader = memoryReader({ '/d/postgresql.conf': "include 'gone.conf'\ninclude_dir 'nodir'\ninclude 'self.conf'\n", '/d/self.conf': "include 'self.conf'\n" });
    const result = await resolveConfigSources([{ path: '/d/postgresql.conf', syntax: 'server' }], reader);
    assert.deepEqual(result.files.map((f) => f.path), ['/d/postgresql.conf', '/d/self.conf']);
    assert.equal(result.problems.length, 3);
    assert.match(result.problems[0]!, /gone\.conf does not exist/);
    assert.match(result.problems[1]!, /nodir .* is not a directory/);
    assert.match(result.problems[2]!, /nested too deeply/);
  });
});
