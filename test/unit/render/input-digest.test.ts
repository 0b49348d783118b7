// The input digest changes with anything the rendered manifests depend on, and only with that.
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chartDigest, releaseInputDigest } from '../../../core/render/input-digest.js';

async function chart(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'runlevel-chart-'));
  for (const [path, text] of Object.entries(files)) await writeFile(join(dir, path), text);
  return dir;
}

test('same chart, release and values: same digest, whatever the key order', async () => {
  const dir = await chart({ 'Chart.yaml': 'name: c\nversion: 1.0.0\n', 'values.yaml': 'a: 1\n' });
  const rel = { name: 'web', namespace: 'ns', chartDir: dir };
  assert.is(releaseInputDigest(rel, { a: 1, b: { c: 2 } }), releaseInputDigest(rel, { b: { c: 2 }, a: 1 }));
  assert.is.not(releaseInputDigest(rel, { a: 1 }), releaseInputDigest(rel, { a: 2 }));
  assert.is.not(releaseInputDigest(rel, { a: 1 }), releaseInputDigest({ ...rel, name: 'api' }, { a: 1 }));
  assert.is.not(releaseInputDigest(rel, { a: 1 }), releaseInputDigest({ ...rel, namespace: 'x' }, { a: 1 }));
  await rm(dir, { recursive: true });
});

test('a template edit without a version bump changes the chart digest; files behind symlinks count', async () => {
  const a = await chart({ 'Chart.yaml': 'name: c\nversion: 1.0.0\n', 't.yaml': 'kind: A\n' });
  const b = await chart({ 'Chart.yaml': 'name: c\nversion: 1.0.0\n', 't.yaml': 'kind: B\n' });
  assert.is.not(chartDigest(a), chartDigest(b));
  const linked = await chart({ 'Chart.yaml': 'name: c\nversion: 1.0.0\n' });
  await symlink(join(a, 't.yaml'), join(linked, 't.yaml'));
  assert.is(chartDigest(linked), chartDigest(a));
  for (const d of [a, b, linked]) await rm(d, { recursive: true });
});

test.run();
