import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../../helpers/cli.js';
import { fixtures, largeFixtureKey, readTree } from '../../helpers/render-helpers.js';

test('two renders, at different concurrency, are byte-identical', async () => {
  const out = await mkdtemp(join(tmpdir(), 'runlevel-determinism-'));
  try {
    const large = ['--values', join(fixtures, 'large'), '--age-key-file', largeFixtureKey];
    const args = ['template', ...large, '--cluster', 'prod-eu'];
    const a = await runCli([...args, '--out', join(out, 'a'), '--concurrency', '1']);
    const b = await runCli([...args, '--out', join(out, 'b'), '--concurrency', '16']);
    assert.is(a.code, 0, a.stderr);
    assert.is(b.code, 0, b.stderr);
    const ta = await readTree(join(out, 'a'));
    const tb = await readTree(join(out, 'b'));
    assert.ok(ta.size > 40);
    assert.equal([...ta.keys()], [...tb.keys()]);
    for (const [f, text] of ta) assert.ok(tb.get(f) === text, `${f} differs`);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

test('rendering again replaces the earlier render whole (no stale files)', async () => {
  const out = await mkdtemp(join(tmpdir(), 'runlevel-rerender-'));
  try {
    const dir = join(out, 'r');
    const large = ['--values', join(fixtures, 'large'), '--age-key-file', largeFixtureKey];
    const base = ['template', ...large, '--cluster', 'prod-eu', '--out', dir];
    assert.is((await runCli(base)).code, 0);
    const r = await runCli([...base, '--selector', 'runlevel=60-teams']);
    assert.is(r.code, 0, r.stderr);
    assert.equal(await readdir(dir), ['60-teams', 'index.json']);
    assert.equal(await readdir(out), ['r'], 'no staging directory left behind');
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

test('the merged values file given to helmfile is gone afterwards', async () => {
  const tmp = await mkdtemp(join(tmpdir(), 'runlevel-tmp-'));
  try {
    const r = await runCli(['template', '--values', join(fixtures, 'minimal'), '--cluster', 'dev'], {
      env: { TMPDIR: tmp },
    });
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, 'kind: Deployment');
    assert.equal(
      (await readdir(tmp)).filter((f) => f.startsWith('runlevel-values-')),
      [],
    );
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
});

test.run();
