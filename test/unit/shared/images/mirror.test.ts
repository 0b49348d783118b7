import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mirrorRef } from '../../../../core/shared/images/mirror.js';

const digest = `sha256:${'a'.repeat(64)}`;

test('the source registry becomes the first path component under the mirror', () => {
  assert.is(mirrorRef('nginx:1.27', 'mirror.example.com'), 'mirror.example.com/docker.io/library/nginx:1.27');
  assert.is(
    mirrorRef('quay.io/keycloak/keycloak:26.1.4', 'mirror.example.com:5000/platform'),
    'mirror.example.com:5000/platform/quay.io/keycloak/keycloak:26.1.4',
  );
});

test('a port’s colon becomes an underscore', () => {
  assert.is(mirrorRef('127.0.0.1:5001/app:1', 'm.example.com'), 'm.example.com/127.0.0.1_5001/app:1');
});

test('a digest is added, the tag kept; an existing digest wins', () => {
  assert.is(
    mirrorRef('nginx:1.27', 'm.example.com', digest),
    `m.example.com/docker.io/library/nginx:1.27@${digest}`,
  );
  const own = `sha256:${'c'.repeat(64)}`;
  assert.is(
    mirrorRef(`nginx:1.27@${own}`, 'm.example.com', digest),
    `m.example.com/docker.io/library/nginx:1.27@${own}`,
  );
});

test('an image already in the mirror is kept as it is (with the digest added)', () => {
  const inMirror = 'm.example.com/docker.io/library/nginx:1.27';
  assert.is(mirrorRef(inMirror, 'm.example.com'), inMirror);
  assert.is(mirrorRef(inMirror, 'm.example.com', digest), `${inMirror}@${digest}`);
  assert.is(mirrorRef(inMirror, 'm.example.com/'), inMirror, 'a trailing slash in the setting');
});

test('not a reference: undefined', () => {
  assert.is(mirrorRef('not an image', 'm.example.com'), undefined);
});

test.run();
