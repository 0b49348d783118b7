import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { matchesAny, parseSelectors } from '../../../core/render/selector.js';
import { UserError } from '../../../core/shared/errors.js';

const labels = { runlevel: '90-apps', team: 'alpha', app: 'web' };

test('terms of one selector are AND-ed, several selectors are OR-ed', () => {
  assert.ok(matchesAny(parseSelectors(['runlevel=90-apps,team=alpha']), labels));
  assert.not.ok(matchesAny(parseSelectors(['runlevel=90-apps,team=beta']), labels));
  assert.ok(matchesAny(parseSelectors(['team=beta', 'app=web']), labels));
});

test('!= matches a different or missing label', () => {
  assert.ok(matchesAny(parseSelectors(['team!=beta']), labels));
  assert.not.ok(matchesAny(parseSelectors(['team!=alpha']), labels));
  assert.ok(matchesAny(parseSelectors(['owner!=x']), labels));
});

test('no selector selects everything', () => {
  assert.ok(matchesAny([], {}));
});

test('a malformed selector is a user error that names the bad term', () => {
  try {
    parseSelectors(['team=alpha,oops']);
    assert.unreachable();
  } catch (err) {
    assert.instance(err, UserError);
    assert.match((err as Error).message, '"oops" is not key=value');
  }
});

test.run();
