// After a rotation the deployed side holds the old secret: found by its place in the values.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { replacedSecrets } from '../../../core/diff/deployed-secrets.js';
import { SecretMask } from '../../../core/shared/mask.js';

const mask = new SecretMask();
mask.add('new-Pa55word');
mask.add('87654321');
const isSecret = (t: string) => mask.reveals(t);

test('the value helm stored where a secret of today is: a rotated password, a number, one inside a URL', () => {
  const desired = {
    pullSecret: { username: 'robot', password: 'new-Pa55word' },
    env: { PIN: 87654321, DB_URL: 'postgres://app:new-Pa55word@db/app', MODE: 'prod' },
    list: [{ token: 'new-Pa55word' }],
  };
  const deployed = {
    pullSecret: { username: 'robot', password: 'old-Pa55word' },
    env: { PIN: 12345678, DB_URL: 'postgres://app:old-Pa55word@db/app', MODE: 'staging' },
    list: [{ token: 'old-list-token' }],
  };
  assert.equal(replacedSecrets(desired, deployed, isSecret).sort(), [
    '12345678',
    'old-Pa55word',
    'old-list-token',
    'postgres://app:old-Pa55word@db/app',
  ]);
});

test('values that are not secrets today, paths gone from either side, other shapes: nothing', () => {
  const desired = { a: 'plain', b: { c: 'new-Pa55word' }, d: 'new-Pa55word', e: ['new-Pa55word'] };
  const deployed = { a: 'old-plain', b: 'was-a-string', e: { 0: 'not-a-list' }, gone: 'old' };
  assert.equal(replacedSecrets(desired, deployed, isSecret), []);
  assert.equal(replacedSecrets(desired, undefined, isSecret), []);
});

test.run();
