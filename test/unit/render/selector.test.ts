import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { matchesAny, mayMatchRunlevel, parseSelectors } from '../../../core/render/selector.js';
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

test('only runlevels a selector can match are planned', () => {
  const only = (...s: string[]) =>
    ['00-init', '60-teams', '90-apps'].filter((r) => mayMatchRunlevel(parseSelectors(s), r));
  assert.equal(only(), ['00-init', '60-teams', '90-apps']);
  assert.equal(only('runlevel=90-apps,team=a'), ['90-apps']);
  assert.equal(only('runlevel=90-apps', 'runlevel=00-init'), ['00-init', '90-apps']);
  assert.equal(only('runlevel!=60-teams'), ['00-init', '90-apps']);
  assert.equal(only('team=a'), ['00-init', '60-teams', '90-apps']);
});

test.run();
