import assert from 'node:assert/strict';
import { test } from 'node:test';
import { firstLine, isTrue } from '../../../src/common/text.ts';

test("Pacemaker's true words, in any case, and nothing else", () => {
  for (const word of ['true', 'TRUE', 'on', 'yes', 'Y', '1', ' yes ']) assert.equal(isTrue(word), true, word);
  for (const word of [undefined, '', 'false', 'off', 'no', '0', '2', 'enabled', 'yes please']) assert.equal(isTrue(word), false, String(word));
});

test('the first non-blank line, trimmed', () => {
  assert.equal(firstLine('\n  \n  pg_ctl: could not start server  \nExamine the log output.\n'), 'pg_ctl: could not start server');
  assert.equal(firstLine(''), '');
});
