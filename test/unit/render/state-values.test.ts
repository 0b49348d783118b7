import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { withStateValues } from '../../../core/render/state-values.js';

test('the state values file is private (0600 in a 0700 directory) and removed afterwards', async () => {
  let seen = '';
  const result = await withStateValues(
    { platform: { sso: { adminPassword: 'p@ss' } }, tag: '1.10' },
    async (file) => {
      seen = file;
      assert.is(statSync(file).mode & 0o777, 0o600);
      assert.is(statSync(dirname(file)).mode & 0o777, 0o700);
      // JSON keeps "1.10" a string for helmfile's YAML reader.
      assert.equal(JSON.parse(await readFile(file, 'utf8')), {
        platform: { sso: { adminPassword: 'p@ss' } },
        tag: '1.10',
      });
      return 42;
    },
  );
  assert.is(result, 42);
  assert.not.ok(existsSync(dirname(seen)));
});

test('it is removed when the work fails too', async () => {
  let seen = '';
  try {
    await withStateValues({}, async (file) => {
      seen = file;
      throw new Error('helmfile failed');
    });
  } catch (err) {
    assert.is((err as Error).message, 'helmfile failed');
  }
  assert.ok(seen);
  assert.not.ok(existsSync(dirname(seen)));
});

test.run();
