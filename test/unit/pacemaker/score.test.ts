import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseScore, SCORE_INFINITY } from '../../../src/pacemaker/score.ts';

test('scores and fail counts as Pacemaker writes them, INFINITY as its 1,000,000', () => {
  assert.equal(parseScore('INFINITY'), SCORE_INFINITY);
  assert.equal(parseScore('+infinity'), SCORE_INFINITY);
  assert.equal(parseScore('-INFINITY'), -SCORE_INFINITY);
  assert.equal(parseScore(' 1001 '), 1001);
  assert.equal(parseScore('-100'), -100);
  assert.equal(parseScore('5000000'), SCORE_INFINITY);
  for (const text of ['', 'abc', '1.5', '12abc', 'inf']) assert.equal(parseScore(text), undefined, text);
});
