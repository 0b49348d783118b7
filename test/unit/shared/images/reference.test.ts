import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  formatImageRef,
  type ImageRef,
  parseImageRef,
  repositoryOf,
} from '../../../../core/shared/images/reference.js';

function parsed(ref: string): ImageRef {
  const r = parseImageRef(ref);
  if (!r) throw new Error(`${ref} did not parse`);
  return r;
}

const digest = `sha256:${'0123456789abcdef'.repeat(4)}`;

test('one-word names are Docker Hub library images with latest', () => {
  assert.equal(parseImageRef('nginx'), { registry: 'docker.io', repository: 'library/nginx', tag: 'latest' });
  assert.is(formatImageRef(parsed('nginx:1.27')), 'docker.io/library/nginx:1.27');
});

test('a first component with a dot, a port or localhost is a registry', () => {
  assert.is(parseImageRef('quay.io/prometheus/node-exporter:v1')?.registry, 'quay.io');
  assert.is(parseImageRef('127.0.0.1:5001/app:1')?.registry, '127.0.0.1:5001');
  assert.is(parseImageRef('localhost/app:1')?.registry, 'localhost');
  assert.equal(parseImageRef('prometheus/node-exporter:v1'), {
    registry: 'docker.io',
    repository: 'prometheus/node-exporter',
    tag: 'v1',
  });
});

test('tag and digest both kept; a digest alone has no tag', () => {
  const both = parseImageRef(`ghcr.io/a/b:2.1@${digest}`);
  assert.equal(both, { registry: 'ghcr.io', repository: 'a/b', tag: '2.1', digest });
  assert.is(formatImageRef(parsed(`ghcr.io/a/b:2.1@${digest}`)), `ghcr.io/a/b:2.1@${digest}`);
  assert.equal(parseImageRef(`ghcr.io/a/b@${digest}`), { registry: 'ghcr.io', repository: 'a/b', digest });
  assert.is(repositoryOf(parsed(`ghcr.io/a/b:2.1@${digest}`)), 'ghcr.io/a/b');
});

test('what is not a reference is refused', () => {
  for (const bad of [
    '',
    'a b',
    'Nginx:1',
    'nginx@sha256:short',
    'nginx:',
    'quay.io/Upper/x:1',
    'x:bad tag',
  ]) {
    assert.is(parseImageRef(bad), undefined, bad);
  }
});

test('a registry port is not a tag', () => {
  assert.equal(parseImageRef('registry:5000/app'), {
    registry: 'registry:5000',
    repository: 'app',
    tag: 'latest',
  });
});

test.run();
