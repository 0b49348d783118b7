import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mergeValues } from '../../../core/render/helm.js';
import type { PlannedRelease } from '../../../core/render/helmfile.js';
import { helmTemplateArgs } from '../../helpers/spawn-helm.js';

test('values documents merge like helm --values: maps deeply, lists and scalars replaced', () => {
  const merged = mergeValues([
    { global: { a: 1, b: { c: 2 } }, list: [1, 2], keep: 'x' },
    { global: { b: { d: 3 } }, list: [3] },
    { keep: null },
  ]);
  assert.equal(merged, { global: { a: 1, b: { c: 2, d: 3 } }, list: [3], keep: null });
});

test('helm gets the values on stdin and no repository or dependency work', () => {
  const rel = { name: 'alpha-web', chartDir: '/core/charts/app', namespace: 'team-alpha' } as PlannedRelease;
  const args = helmTemplateArgs(rel);
  assert.equal(args, [
    'template',
    'alpha-web',
    '/core/charts/app',
    '--namespace',
    'team-alpha',
    '--values',
    '-',
  ]);
  assert.not.ok(args.includes('--dependency-update'));
});

test.run();
