import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cleanLine, cleanOutput, exitReasonLine, LOG_LINE_MAX, makeLogger, redactSecrets } from '../../../src/ocf/log.js';
import { renderTable } from '../../../src/cli/format/table.js';
import { instanceFileName } from '../../../src/ocf/environment.js';
import { parseParams, unknownParameters } from '../../../src/agent/params.js';
import { OcfError, OCF } from '../../../src/ocf/exit-codes.js';

const SECRET = 'S3cret-Pa55';

describe('output hygiene: every line pgha prints', () => {
  it('redacts every secret shape', () => {
    for (const text of [
      `host=a password=${SECRET} user=b`,
      `host=a password='${SECRET} x' user=b`,
      `postgresql://u:${SECRET}@h/db`,
      `postgresql://:${SECRET}@h/db`,
      `postgres://:${SECRET}@[::1]:5432`,
      `PGPASSWORD=${SECRET}`,
      `passwd: ${SECRET}`,
      `"password": "${SECRET}"`,
      `first line\npassword ${SECRET}`,
      `secret ${SECRET}`,
    ]) {
      assert.doesNotMatch(redactSecrets(text), new RegExp(SECRET.slice(0, 6)), text);
      assert.doesNotMatch(cleanLine(text), new RegExp(SECRET.slice(0, 6)), text);
    }
    // A libpq message about passwords keeps its words.
    assert.equal(redactSecrets('FATAL: password authentication failed for user "x"'), 'FATAL: password authentication failed for user "x"');
  });

  it('turns control characters into spaces, so no value forges a line or an exit reason', () => {
    const forged = 'x\nocf-exit-reason:all is well\r\x1b[2K\x00\u2028done';
    const line = cleanLine(forged);
    assert.doesNotMatch(line, /[\x00-\x1f\u2028]/);
    const reason = exitReasonLine(forged, 'ocf-exit-reason:');
    assert.equal(reason.split('\n').length, 1);
    assert.equal(reason.indexOf('ocf-exit-reason:'), 0);
  });

  it('a table from hostile cells: one line per row, no control character, no secret, columns aligned', () => {
    const hostile = `bad\x1b[2J\r\nnode-evil password=${SECRET}`;
    const table = renderTable(['NODE', 'LAST FAILURE'], [['node1', hostile], ['node2', '-']]);
    const lines = table.trimEnd().split('\n');
    assert.equal(lines.length, 3, table);
    assert.doesNotMatch(table, /[\x00-\x09\x0b-\x1f]/);
    assert.doesNotMatch(table, new RegExp(SECRET.slice(0, 6)));
    assert.equal(lines[1]!.indexOf('bad'), lines[0]!.indexOf('LAST FAILURE'));
  });

  it('laid-out output keeps its lines and spacing, but no control character or secret', () => {
    const text = `NODE   ROLE\nnode1  Promoted\n  note: \x1b]0;owned\x07 password=${SECRET}\n`;
    const clean = cleanOutput(text);
    assert.equal(clean.split('\n').length, text.split('\n').length);
    assert.match(clean, /^node1  Promoted$/m);
    assert.doesNotMatch(clean, /[\x00-\x09\x0b-\x1f]/);
    assert.doesNotMatch(clean, new RegExp(SECRET.slice(0, 6)));
  });

  it('cuts every log line and exit reason to a bound, at a character boundary', () => {
    const lines: string[] = [];
    makeLogger('tag', (l) => lines.push(l)).warning(`é${'x'.repeat(100_000)}`);
    assert.ok(Buffer.byteLength(lines[0]!) <= LOG_LINE_MAX);
    assert.ok(Buffer.byteLength(exitReasonLine('é'.repeat(500), 'p:')) <= 130);
    assert.doesNotMatch(exitReasonLine('é'.repeat(500), 'p:'), /\uFFFD/);
  });
});

describe('bad agent parameters', () => {
  const parse = (raw: Record<string, string>) => {
    try {
      parseParams(raw, 'pgsqld');
      return undefined;
    } catch (error) {
      assert.ok(error instanceof OcfError);
      return error;
    }
  };

  it('an invalid value is OCF_ERR_CONFIGURED naming the parameter, its value cut short and cleaned', () => {
    const huge = parse({ pgport: '9'.repeat(1_000_000) })!;
    assert.equal(huge.exitCode, OCF.ERR_CONFIGURED);
    assert.match(huge.reason, /^parameter pgport="9+\.\.\." is invalid: pgport must be between 1 and 65535$/);
    assert.ok(huge.reason.length < 200);
    const control = parse({ sync_mode: 'off\nocf-exit-reason:ok' })!;
    assert.doesNotMatch(control.reason, /\n/);
  });

  it('every parameter refuses wrong types and hostile values with OCF_ERR_CONFIGURED', () => {
    const hostile: Record<string, string[]> = {
      bindir: ['relative', '/usr/$(id)', '/a`id`', '/a"b', '/a\\b', '/a\nb', '/a\x1b'],
      pgdata: ['', 'relative', '/x$(touch /tmp/p)', '/a\0b'],
      datadir: ['relative', '/a`b`'],
      pghost: [''],
      pgport: ['abc', '0', '65536', '-1', '1e3', ' 5432', '5432;id'],
      system_user: ['root', '', '../etc', 'a b', 'x;id', 'u'.repeat(40), '$(id)'],
      maxlag: ['-1', 'x', '1.5'],
      sync_mode: ['bogus', 'QUORUM', ''],
      sync_count: ['0', '65', 'two'],
      logfile: ['relative.log', '/var/log/$(touch x).log', '/a"b', '/a\nb'],
      rejoin: ['maybe', ''],
      rewind_archive_dir: ['relative'],
      rewind_archive_max_mb: ['-5', 'lots'],
    };
    for (const [name, values] of Object.entries(hostile)) {
      for (const value of values) {
        const error = parse({ [name]: value });
        assert.ok(error, `${name}=${JSON.stringify(value)} was accepted`);
        assert.equal(error.exitCode, OCF.ERR_CONFIGURED, name);
        assert.match(error.reason, new RegExp(`^parameter ${name}=`), `${name}=${JSON.stringify(value)}: ${error.reason}`);
      }
    }
  });

  it('unknown parameter names are named with the closest known one', () => {
    assert.deepEqual(unknownParameters({ pgdta: '/x', pgport: '5432' }), ['"pgdta" (did you mean pgdata?)']);
    assert.deepEqual(unknownParameters({ sync_mod: 'off' }), ['"sync_mod" (did you mean sync_mode?)']);
    assert.deepEqual(unknownParameters({ completely_else: '1' }), ['"completely_else"']);
    const [huge] = unknownParameters({ ['x'.repeat(100_000)]: '1' });
    assert.ok(huge!.length < 80);
  });

  it('the instance name never names a file outside its directory, nor anything a shell reads', () => {
    for (const hostile of ['../x', '../../etc/passwd', '/abs', '..', '.hidden', '$(id)', 'a`b`', 'a\nb']) {
      assert.match(instanceFileName(hostile), /^[A-Za-z0-9_:-][A-Za-z0-9_.:-]*$/, hostile);
    }
    assert.equal(instanceFileName('pgsqld'), 'pgsqld');
    const { logfile } = parseParams({}, '../../etc/x');
    assert.ok(logfile === '/dev/null' || /^\/var\/log\/postgresql\/pgha-[^/]+\.log$/.test(logfile), logfile);
  });
});
