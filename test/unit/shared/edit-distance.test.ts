// The one edit distance and the "did you mean" choice built on it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closest, editDistance } from '../../../core/shared/edit-distance.js';

test('edit distance counts insertions, deletions and substitutions', () => {
  assert.is(editDistance('', ''), 0);
  assert.is(editDistance('abc', ''), 3);
  assert.is(editDistance('', 'abc'), 3);
  assert.is(editDistance('platform', 'platform'), 0);
  assert.is(editDistance('platfrom', 'platform'), 2); // a swap is two edits
  assert.is(editDistance('kitten', 'sitting'), 3);
  assert.is(editDistance('wait-crd', 'wait-crds'), 1);
  assert.is(editDistance('Ab', 'ab'), 1); // case counts here; closest() ignores it
});

test('closest picks the nearest candidate within a distance that grows with the word', () => {
  assert.is(closest('platfrom', ['cluster', 'platform', 'teams']), 'platform');
  assert.is(closest('TEAMS', ['teams', 'apps']), 'teams');
  assert.is(closest('prod-ue', ['dev', 'prod-eu', 'prod-us']), 'prod-us'); // one edit beats a swap
  assert.is(closest('prod-e', ['prod-eu', 'prod-ez']), 'prod-eu'); // the first of equals wins
  assert.is(closest('xyz', ['platform', 'cluster']), undefined);
  assert.is(closest('ab', ['abcd']), 'abcd'); // short words allow 2 edits
  assert.is(closest('ab', ['abcde']), undefined);
  assert.is(closest('anything', []), undefined);
});

test.run();
