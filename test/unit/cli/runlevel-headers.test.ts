// Runlevel headers are checked before anything runs: each wrong setting at its line and column,
// as validate and deploy report it (exit 3: the core's runlevel files are at fault).

import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkRunlevelHeaders, runlevelHeaderProblems } from '../../../core/cli/runlevel-headers.js';
import { listRunlevels } from '../../../core/render/runlevels.js';
import { UserError } from '../../../core/shared/errors.js';
import { ExitCode } from '../../../core/shared/exit-codes.js';
import { withFixture } from '../../helpers/fixture.js';

function problemsOf(header: string) {
  const tree = { '10-x.yaml.gotmpl': `# runlevel 10-x: a test layer.\n${header}\nreleases: []\n` };
  return withFixture(tree, (dir) =>
    runlevelHeaderProblems(listRunlevels(dir)).map((p) => ({
      at: `${p.where?.file.split('/').pop()}:${p.where?.line}:${p.where?.col}`,
      message: p.message,
      hint: p.hint,
      frame: p.frame,
    })),
  );
}

const cases: [string, string, string, string][] = [
  ['# runlevel: timeout=5minutes', '10-x.yaml.gotmpl:2:21', 'timeout "5minutes" is not a duration', '300s'],
  [
    '# runlevel: timeout=300s after=wait-crds,copy-ca',
    '10-x.yaml.gotmpl:2:42',
    'after: unknown task "copy-ca"',
    'copy-',
  ],
  [
    '# runlevel: before=wiat-crds(a.example.com)',
    '10-x.yaml.gotmpl:2:20',
    'before: unknown task "wiat-crds"',
    'did you mean "wait-crds"?',
  ],
  [
    '# runlevel: timout=300s',
    '10-x.yaml.gotmpl:2:13',
    'unknown runlevel setting "timout"',
    'did you mean "timeout"?',
  ],
  [
    '# runlevel: after=wait-crds,,',
    '10-x.yaml.gotmpl:2:19',
    'after: cannot read the task list at ","',
    'commas',
  ],
  ['# runlevel: 300s', '10-x.yaml.gotmpl:2:13', '"300s" is not a key=value setting', 'timeout'],
];

for (const [header, at, message, hint] of cases) {
  test(`header "${header.slice(12)}" → ${message}`, async () => {
    const [p, ...rest] = await problemsOf(header);
    assert.is(rest.length, 0, JSON.stringify(rest));
    assert.is(p?.at, at);
    assert.is(p?.message, message);
    assert.match(p?.hint ?? '', new RegExp(hint.replace(/[()]/g, '\\$&')));
    assert.match(p?.frame ?? '', /> 2 \| # runlevel:/);
  });
}

test('the core runlevel files pass, and a bad header is a UserError with exit 3', async () => {
  assert.not.throws(() => checkRunlevelHeaders());
  await withFixture({ '10-x.yaml.gotmpl': '# runlevel: timeout=5minutes\n' }, (dir) => {
    try {
      checkRunlevelHeaders(listRunlevels(join(dir)));
      assert.unreachable('should throw');
    } catch (err) {
      assert.ok(err instanceof UserError);
      assert.is(err.exitCode, ExitCode.renderFailed);
    }
  });
});

test.run();
