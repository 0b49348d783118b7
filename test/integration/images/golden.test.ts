// `runlevel images -o json` for the values-template example as `runlevel init` writes it: every
// image with its uses and origins, byte for byte (UPDATE_GOLDEN=1 rewrites it after a change).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../../helpers/cli.js';
import { assertGoldenFile } from '../../helpers/golden.js';
import { initExample } from '../../helpers/values-repo.js';

test('golden: runlevel images -o json of the values-template example', async () => {
  const work = await mkdtemp(join(tmpdir(), 'runlevel-golden-images-'));
  try {
    const key = join(work, 'age.key');
    const repo = await initExample(work, key);
    const r = await runCli([
      'images',
      '--values',
      repo,
      '--cluster',
      'dev',
      '--age-key-file',
      key,
      '-o',
      'json',
    ]);
    assert.is(r.code, 0, r.stderr);
    assertGoldenFile('images', 'values-template', r.stdout);
    const images = JSON.parse(r.stdout) as { source: string; core?: boolean; uses: { values?: unknown }[] }[];
    assert.ok(
      images.some((i) => i.core),
      'the core image is listed',
    );
    assert.ok(
      images.some((i) => i.uses.some((u) => u.values)),
      'an image set in the values repo names its file:line:col',
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});

test.run();
