import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readLock, updateLock } from '../../../core/bundle/lock.js';
import { formatImageLock as formatLock } from '../../../core/shared/images/lock.js';
import { fixture, removeFixture } from '../../helpers/fixture.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;

test('formatLock: the header, then every entry sorted by reference', () => {
  assert.is(
    formatLock({ 'quay.io/keycloak/keycloak:26.1.4': d('b'), 'docker.io/library/nginx:1.27': d('a') }),
    [
      '# written by runlevel bundle create: the digest of every image, commit it with your values',
      'images:',
      `  docker.io/library/nginx:1.27: ${d('a')}`,
      `  quay.io/keycloak/keycloak:26.1.4: ${d('b')}`,
      '',
    ].join('\n'),
  );
});

test('updateLock keeps entries it does not carry, updates the ones it does, and reads back', async () => {
  const dir = await fixture({
    'images.lock.yaml': `images:\n  quay.io/other/kept:1.0: ${d('c')}\n  docker.io/library/nginx:1.27: ${d('0')}\n`,
  });
  await updateLock(dir, { 'docker.io/library/nginx:1.27': d('a'), '127.0.0.1:5000/x/y:2': d('e') });
  assert.equal(await readLock(dir), {
    '127.0.0.1:5000/x/y:2': d('e'),
    'docker.io/library/nginx:1.27': d('a'),
    'quay.io/other/kept:1.0': d('c'),
  });
  assert.ok(
    (await readFile(join(dir, 'images.lock.yaml'), 'utf8')).startsWith('# written by runlevel bundle create'),
  );
  await removeFixture(dir);
});

test('readLock: no file is an empty lock; a broken one says which file', async () => {
  const dir = await fixture({});
  assert.equal(await readLock(dir), {});
  const broken = await fixture({ 'images.lock.yaml': 'images: [a, b]\n' });
  try {
    await readLock(broken);
    assert.unreachable();
  } catch (err) {
    assert.match((err as Error).message, /images\.lock\.yaml: "images" must be a map/);
  }
  await removeFixture(dir);
  await removeFixture(broken);
});

test.run();
