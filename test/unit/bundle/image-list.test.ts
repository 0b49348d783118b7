import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultCoreLayoutDir } from '../../../core/bundle/format.js';
import { parseImageList } from '../../../core/bundle/image-list.js';
import { mirrorPath } from '../../../core/bundle/mirror-path.js';

test('a text list: one reference a line, comments skipped, each in full form', () => {
  const list = parseImageList('# platform\nnginx:1.27\n\nquay.io/keycloak/keycloak:26.1.4  # sso\n', 'f');
  assert.equal(
    list.map((i) => i.source),
    ['docker.io/library/nginx:1.27', 'quay.io/keycloak/keycloak:26.1.4'],
  );
});

test('a text list with a line that is no reference: every such line with its place', () => {
  try {
    parseImageList('nginx:1.27\nNot An Image\n', 'images.txt');
    assert.unreachable();
  } catch (err) {
    const e = err as { message: string; problems: { where: { line: number } }[] };
    assert.match(e.message, /1 lines are not image references/);
    assert.is(e.problems[0]?.where.line, 2);
  }
});

test('JSON: PlatformImage[] as `runlevel images -o json` prints it, digest and core kept', () => {
  const digest = `sha256:${'a'.repeat(64)}`;
  const list = parseImageList(
    JSON.stringify([
      { source: 'nginx:1.27', target: 'm/docker.io/library/nginx:1.27', digest, uses: [] },
      { source: 'runlevel:0.1.0', target: 'runlevel:0.1.0', core: true, uses: [] },
    ]),
    'f',
  );
  assert.equal(list[0], {
    source: 'docker.io/library/nginx:1.27',
    target: 'm/docker.io/library/nginx:1.27',
    digest,
    uses: [],
  });
  assert.is(list[1]?.core, true);
});

test('mirrorPath: the source registry becomes the first component, a port ":" becomes "_"', () => {
  assert.is(mirrorPath('docker.io/library/nginx:1.27'), 'docker.io/library/nginx:1.27');
  assert.is(mirrorPath('127.0.0.1:5000/team/app:2'), '127.0.0.1_5000/team/app:2');
});

test('the default core layout follows XDG_CACHE_HOME, else ~/.cache', () => {
  assert.is(
    defaultCoreLayoutDir('1.2.3', { XDG_CACHE_HOME: '/c' }),
    '/c/runlevel/image/signed/runlevel-1.2.3',
  );
  assert.is(defaultCoreLayoutDir('1.2.3', { HOME: '/h' }), '/h/.cache/runlevel/image/signed/runlevel-1.2.3');
});

test.run();
