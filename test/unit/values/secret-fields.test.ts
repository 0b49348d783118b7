// The schema's secret fields (writeOnly) are secrets wherever their value was set.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UserError } from '../../../core/shared/errors.js';
import { log } from '../../../core/shared/log.js';
import { ValuesRepo } from '../../../core/values/index.js';
import type { Value } from '../../../core/values/model.js';
import { secretFieldPointers } from '../../../core/values/secret-fields.js';
import { validators } from '../../../core/values/validate.js';
import { fixture, removeFixture } from '../../helpers/fixture.js';

test('the values schema marks the SSO admin password and the registry password, nothing named alike', () => {
  const values = {
    platform: {
      sso: { adminPassword: 'a', realm: 'platform' },
      registry: { pullSecret: { enabled: true, username: 'robot', password: 'b' } },
    },
    apps: { web: { values: { password: 'not-marked', env: { PASSWORD: 'x' } } } },
  };
  assert.equal(secretFieldPointers(values, validators().schema).sort(), [
    '/platform/registry/pullSecret/password',
    '/platform/sso/adminPassword',
  ]);
});

test('writeOnly beside a $ref, under additionalProperties and items, marks every leaf below it', () => {
  const schema = {
    $defs: {
      token: { type: 'string' },
      creds: { type: 'object', properties: { key: { $ref: '#/$defs/token', writeOnly: true } } },
    },
    type: 'object',
    properties: {
      list: { type: 'array', items: { $ref: '#/$defs/creds' } },
      whole: { type: 'object', writeOnly: true },
    },
    additionalProperties: { $ref: '#/$defs/creds' },
  };
  const values: Value = {
    list: [{ key: 'k0', other: 'o' }, { key: 'k1' }],
    whole: { a: 'x', b: { c: 1 } },
    extra: { key: 'k2' },
  };
  assert.equal(secretFieldPointers(values, schema).sort(), [
    '/extra/key',
    '/list/0/key',
    '/list/1/key',
    '/whole/a',
    '/whole/b/c',
  ]);
});

test('a secret field set in a plain file is refused (encrypt it), and its value is masked all the same', async () => {
  const dir = await fixture({
    'runlevel.yaml': 'core: "0.1.0"\nclusters:\n  dev:\n    environment: dev\ncontract: 2\n',
    'common/settings.yaml':
      'cluster:\n  domain: example.com\nplatform:\n  sso:\n    adminPassword: plain-Adm1n-pw\n',
  });
  try {
    const refused = await (await ValuesRepo.open(dir)).resolve('dev').then(
      () => undefined,
      (err: unknown) => err,
    );
    assert.ok(refused instanceof UserError, 'refused as a user error');
    const shown = JSON.stringify(refused);
    assert.match(shown, 'sops');
    assert.not.match(log.mask(shown), 'plain-Adm1n-pw');
    assert.is(log.mask('password is plain-Adm1n-pw'), 'password is ***');
  } finally {
    await removeFixture(dir);
  }
});

test.run();
