import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { headerSettings, listRunlevels } from '../../../core/render/runlevels.js';
import { UserError } from '../../../core/shared/errors.js';
import { ExitCode } from '../../../core/shared/exit-codes.js';
import { coreRoot } from '../../../core/shared/paths.js';
import { fixture, removeFixture } from '../../helpers/fixture.js';

test('header settings come from "# runlevel:" lines of the leading comment only', () => {
  const text =
    '# runlevel 20-ingress: what it is\n# runlevel: timeout=300s tasks=a,b\nbases: []\n# runlevel: ignored=1\n';
  assert.equal(headerSettings(text), { timeout: '300s', tasks: 'a,b' });
});

test('the core helmfile.d lists every runlevel in order, snippets in bases/ excluded', () => {
  const names = listRunlevels(join(coreRoot, 'helmfile.d')).map((r) => r.name);
  assert.ok(names.includes('00-init') && names.includes('90-apps'));
  assert.equal(names, [...names].sort());
  assert.not.ok(names.some((n) => n.startsWith('bases')));
});

test('a missing or empty runlevel directory is a render error, not an empty render', async () => {
  const dir = await fixture({ 'README.md': 'no runlevels here' });
  try {
    for (const d of [join(dir, 'nope'), dir]) {
      try {
        listRunlevels(d);
        assert.unreachable();
      } catch (err) {
        assert.instance(err, UserError);
        assert.is((err as UserError).exitCode, ExitCode.renderFailed);
      }
    }
  } finally {
    await removeFixture(dir);
  }
});

test.run();
