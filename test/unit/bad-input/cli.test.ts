import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { EXIT } from '../../../src/cli/errors.js';
import { run, type RunResult } from '../../../src/exec/run.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const CLI = join(ROOT, 'src', 'cli', 'main.ts');
const SECRET = 'S3cret-Pa55';
const PWNED = `/tmp/pgha-bad-input-pwned-${process.pid}`;
const pgha = (argv: readonly string[]) => run(process.execPath, ['--import', 'tsx', CLI, ...argv], { timeoutMs: 120_000, cwd: ROOT });

/** [argv, expected exit code, what stderr must say] */
const CASES: [string[], number, RegExp][] = [
  [['rewind', '--bogus'], EXIT.USAGE, /unknown option '--bogus'/],
  [['reclone', '--timeout', 'abc'], EXIT.USAGE, /expected seconds/],
  [['rewind', '--timeout', '1e9'], EXIT.USAGE, /expected seconds/],
  [['rewind', '--source', `host=a password=${SECRET}`, '--pgdata', '/tmp'], EXIT.USAGE, /--source holds a password.*PGPASSWORD/],
  [['reclone', '--source', `postgresql://:${SECRET}@h/db`], EXIT.USAGE, /--source holds a password/],
  [['rewind', '--password-file', '/nonexistent/pw'], EXIT.USAGE, /--password-file \/nonexistent\/pw: ENOENT/],
  [['rewind', '--pgdata', 'relative/dir'], EXIT.USAGE, /parameter pgdata="relative\/dir" is invalid: pgdata must be an absolute path/],
  [['rewind', '--pgdata', `/x$(touch ${PWNED})`], EXIT.USAGE, /pgdata must not contain control characters/],
  [['reclone', '--pgdata', '/tmp', '--system-user', 'root'], EXIT.USAGE, /system_user must not be root/],
  [['rewind', '--pgdata', '/tmp', '--archive-max-mb', 'lots'], EXIT.USAGE, /rewind_archive_max_mb/],
  [['rewind', '--pgdata', '/', '--bindir', '/usr/lib/postgresql/15/bin', '--yes'], EXIT.CHECK_FAILED, /\/ is not a PostgreSQL data directory \(no PG_VERSION\)/],
  [['status', '--watch', 'abc'], EXIT.USAGE, /expected seconds/],
  [['status', '--host', `node1\x1b[2J`], EXIT.USAGE, /.+/],
  [['switchover', '--bogus'], EXIT.USAGE, /unknown option/],
  [['switchover', '--to', `node1\x1b[2J`], EXIT.USAGE, /--to <node>' argument .* is invalid\. expected a node name/],
  [['switchover', '--to', '../../etc/passwd'], EXIT.USAGE, /expected a node name/],
  [['switchover', '--to', ''], EXIT.USAGE, /expected a node name/],
  [['switchover', '--timeout', '0'], EXIT.USAGE, /expected seconds between 1 and 86400/],
  [['switchover', '--max-lag', '1.5'], EXIT.USAGE, /expected a non-negative integer \(bytes\)/],
  [['switchover', '--host', 'node1=10.0.0.1\npgha: forged line'], EXIT.USAGE, /--host "node1=10\.0\.0\.1 pgha: forged line": expected node=address/],
  [['fence', 'drill', '--yes', `node1;reboot`], EXIT.USAGE, /expected a node name/],
  [['fence', 'drill', '--yes', 'node1', '--online-timeout', '2.5'], EXIT.USAGE, /expected whole seconds/],
  [['configure', '--nodes', 'a,b', '--pgdata', '/d', '--bindir', '/b', '--start-opts', `-c x=1\x1b[31m`], EXIT.USAGE, /--start-opts: must not contain quotes, backslashes, newlines or other control characters/],
  [['configure', '--nodes', 'a,b', '--pgdata', '/d', '--bindir', '/b', '--start-opts', `-c "x=$(touch ${PWNED})"`], EXIT.USAGE, /--start-opts: must not contain quotes/],
  [['configure', '--nodes', 'a;b', '--pgdata', 'rel', '--bindir', '/b'], EXIT.USAGE, /--nodes|--pgdata/],
  [['fence', 'drill', 'node1'], EXIT.USAGE, /confirm on a terminal or pass --yes/],
  [['fence', 'verify', '--bogus'], EXIT.USAGE, /unknown option/],
  [['lab', 'up', '--bogus'], EXIT.USAGE, /unknown option/],
  [['lab', 'up', '--pg-version', '17.2'], EXIT.USAGE, /--pg-version.*not a PostgreSQL major version: "17\.2"/],
  [['lab', 'up', '--nodes', '10'], EXIT.USAGE, /expected an integer from 2 to 9/],
  [['lab', 'exec', '../node1', 'true'], EXIT.USAGE, /expected a lab node name, node1 to node9/],
  [['lab', 'power-off', `node1\x1b[2J`], EXIT.USAGE, /expected a lab node name/],
  [['install', '--destdir', `/tmp/stage\x1b[2J`], EXIT.USAGE, /--destdir "\/tmp\/stage \[2J": must not contain control characters/],
  [['install', '--bogus'], EXIT.USAGE, /unknown option/],
];

describe('bad flags and hostile values on every pgha command', () => {
  it('each is refused with its exit code and a clear message; no secret, no control character, nothing run', async () => {
    const results: RunResult[] = [];
    // A few at a time: each is a process start.
    for (let i = 0; i < CASES.length; i += 2) results.push(...(await Promise.all(CASES.slice(i, i + 2).map(([argv]) => pgha(argv)))));
    for (const [i, [argv, code, message]] of CASES.entries()) {
      const r = results[i]!;
      const what = `pgha ${argv.join(' ')}: ${r.stderr}`;
      assert.equal(r.exitCode, code, what);
      assert.match(r.stderr, message, what);
      assert.doesNotMatch(`${r.stdout}${r.stderr}`, new RegExp(SECRET), what);
      assert.doesNotMatch(r.stderr, /[\x00-\x08\x0b-\x1f\x7f]/, `${what}: a control character reached the terminal`);
      assert.doesNotMatch(r.stderr, /\n\s+at /, `${what}: a stack trace`);
    }
    assert.equal(existsSync(PWNED), false, 'no value was run by a shell');
  });
});
