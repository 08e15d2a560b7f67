import assert from 'node:assert/strict';
import { test } from 'node:test';
import { firstLine, isFalse, isTrue } from '../../../src/common/text.ts';

test("Pacemaker's true words, in any case, and nothing else", () => {
  for (const word of ['true', 'TRUE', 'on', 'yes', 'Y', '1', ' yes ']) assert.equal(isTrue(word), true, word);
  for (const word of [undefined, '', 'false', 'off', 'no', '0', '2', 'enabled', 'yes please']) assert.equal(isTrue(word), false, String(word));
});

test("Pacemaker's false words; unset is neither true nor false", () => {
  for (const word of ['false', 'FALSE', 'off', 'no', 'N', '0', ' no ']) assert.equal(isFalse(word), true, word);
  for (const word of [undefined, '', 'true', 'on', 'yes', '1', 'disabled']) assert.equal(isFalse(word), false, String(word));
});

test('the first non-blank line, trimmed', () => {
  assert.equal(firstLine('\n  \n  pg_ctl: could not start server  \nExamine the log output.\n'), 'pg_ctl: could not start server');
  assert.equal(firstLine(''), '');
});
