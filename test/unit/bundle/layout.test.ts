import { createHash } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hashBlobs, LayoutError, reachableBlobs } from '../../../core/bundle/layout.js';
import { fixture, removeFixture } from '../../helpers/fixture.js';

const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

/** A layout with one image: a manifest naming a config and one layer. */
async function layout(opts: { layer?: string; layerSizeSays?: number } = {}) {
  const layer = 'layer bytes';
  const config = '{}';
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: `sha256:${sha(config)}`,
      size: 2,
    },
    layers: [
      {
        mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
        digest: `sha256:${sha(layer)}`,
        size: opts.layerSizeSays ?? layer.length,
      },
    ],
  });
  const dir = await fixture({
    [`blobs/sha256/${sha(layer)}`]: opts.layer ?? layer,
    [`blobs/sha256/${sha(config)}`]: config,
    [`blobs/sha256/${sha(manifest)}`]: manifest,
  });
  const root = {
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest: `sha256:${sha(manifest)}`,
    size: manifest.length,
  };
  return { dir, root, layerDigest: `sha256:${sha(layer)}` };
}

test('an intact layout: every blob matches, the image reaches manifest, config and layer', async () => {
  const l = await layout();
  assert.is(await hashBlobs(l.dir), 3);
  assert.is((await reachableBlobs(l.dir, l.root)).length, 3);
  await removeFixture(l.dir);
});

test('one changed byte: the blob named by its digest fails', async () => {
  const l = await layout({ layer: 'layer bytez' });
  try {
    await hashBlobs(l.dir);
    assert.unreachable();
  } catch (err) {
    assert.instance(err, LayoutError);
    assert.is((err as LayoutError).digest, l.layerDigest);
  }
  await removeFixture(l.dir);
});

test('a descriptor whose size does not match its blob fails, naming the digest', async () => {
  const l = await layout({ layerSizeSays: 3 });
  try {
    await reachableBlobs(l.dir, l.root);
    assert.unreachable();
  } catch (err) {
    assert.is((err as LayoutError).digest, l.layerDigest);
    assert.match((err as Error).message, /its descriptor says 3/);
  }
  await removeFixture(l.dir);
});

test.run();
