// runlevel template renders exactly what plain `helmfile template` renders from the same
// helmfile.d and state values: same documents, only faster and split into files.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { renderPlatform } from '../../../core/render/index.js';
import { helmDocuments } from '../../../core/render/manifests.js';
import { run } from '../../../core/shared/exec.js';
import { coreRoot } from '../../../core/shared/paths.js';
import { findTool } from '../../../core/shared/tools.js';
import { resolveValues } from '../../../core/values/index.js';
import { fixtures, largeFixtureKey } from '../../helpers/render-helpers.js';

test('the same documents as helmfile template, for every release of the large fixture', async () => {
  const resolved = await resolveValues({
    valuesDir: join(fixtures, 'large'),
    cluster: 'prod-eu',
    ageKeyFile: largeFixtureKey,
  });
  // helm's own output: the registry-mirror rewrite after it is tested on its own (images/mirror).
  const ours = await renderPlatform({ values: resolved.values, rewriteImages: false });
  const dir = await mkdtemp(join(tmpdir(), 'runlevel-parity-'));
  try {
    const file = join(dir, 'values.yaml');
    await writeFile(file, JSON.stringify(resolved.values), { mode: 0o600 });
    const helm = findTool('helm') ?? 'helm';
    const r = await run('helmfile', [
      '--file',
      join(coreRoot, 'helmfile.d'),
      '--state-values-file',
      file,
      '--helm-binary',
      helm,
      'template',
      '--skip-deps',
    ]);
    // helmfile adds a blank line after each release's output; nothing else may differ.
    const docs = (text: string) =>
      helmDocuments(text)
        .map((d) => d.text.trimEnd())
        .sort();
    const theirs = docs(String(r.stdout));
    const mine = docs(ours.releases.map((x) => x.manifest).join(''));
    assert.ok(mine.length > 60);
    assert.is(mine.length, theirs.length);
    assert.equal(mine, theirs);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('selectors pick releases by the runlevel, team and app labels', async () => {
  const resolved = await resolveValues({
    valuesDir: join(fixtures, 'large'),
    cluster: 'prod-eu',
    ageKeyFile: largeFixtureKey,
  });
  const r = await renderPlatform({
    values: resolved.values,
    selectors: ['team=payments', 'runlevel=00-init'],
  });
  assert.equal(
    r.releases.map((x) => x.name),
    ['platform-init', 'team-payments', 'payments-api', 'payments-checkout', 'payments-worker'],
  );
});

test.run();
