// The bundle index schema: what a crafted runlevel-bundle.json may hold before any field is used.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bundleIndexProblems } from '../../../core/bundle/index-schema.js';

const image = {
  source: 'docker.io/library/nginx:1.27.3',
  target: 'docker.io/library/nginx:1.27.3',
  digest: `sha256:${'a'.repeat(64)}`,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  size: 1234,
  core: false,
  layout: '.',
};
const index = {
  format: 'runlevel-bundle/v1',
  created: '2026-12-07T17:00:00Z',
  cluster: 'dev',
  coreVersion: '0.1.0',
  images: [image],
  total: 1234,
};
const said = (v: unknown) => bundleIndexProblems(v).map((p) => `${p.path}: ${p.message}`);

test('an index as create writes it has no problems', () => {
  assert.equal(said(index), []);
});

test('null, a list, no images: named, never a TypeError', () => {
  assert.equal(said(null), ['runlevel-bundle.json: is null, expected object']);
  assert.equal(said([]), ['runlevel-bundle.json: is a list, expected object']);
  const { images: _, ...noImages } = index;
  assert.equal(said(noImages), ['runlevel-bundle.json: missing "images"']);
  assert.equal(said({ ...index, images: null }), ['runlevel-bundle.json images: is null, expected array']);
});

test('an image with a null or malformed digest, a layout out of the bundle, a target out of the mirror', () => {
  assert.equal(said({ ...index, images: [{ ...image, digest: null }] }), [
    'runlevel-bundle.json images[0].digest: is null, expected string',
  ]);
  assert.equal(said({ ...index, images: [{ ...image, digest: 'sha256:../../etc' }] }), [
    'runlevel-bundle.json images[0].digest: is not a digest (sha256:<64 hex>)',
  ]);
  assert.equal(said({ ...index, images: [image, { ...image, layout: '../../tmp' }] }), [
    'runlevel-bundle.json images[1].layout: must be one of [".","core"]',
  ]);
  assert.equal(said({ ...index, images: [{ ...image, target: 'a/../../b' }] }), [
    'runlevel-bundle.json images[0].target: climbs out of the mirror (an absolute path or ..)',
  ]);
  assert.equal(said({ ...index, images: [null] }), [
    'runlevel-bundle.json images[0]: is null, expected object',
  ]);
});

test('sizes are whole non-negative numbers', () => {
  assert.equal(said({ ...index, total: -1 }), ['runlevel-bundle.json total: must be >= 0']);
  assert.equal(said({ ...index, total: '12' }), [
    'runlevel-bundle.json total: is string "12", expected integer',
  ]);
});

test.run();
