// One case per policy and per schema rule: `runlevel check --dir` over a render built from
// test/fixtures/check/cases/<case>.yaml, with the exit code and the exact report compared to
// test/golden/check/<case>.txt. After an intended change: UPDATE_GOLDEN=1 node dist/test/run.js integration

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { coreRoot } from '../../../core/shared/paths.js';
import { runCli } from '../../helpers/cli.js';
import { removeFixture } from '../../helpers/fixture.js';
import { assertGoldenFile } from '../../helpers/golden.js';
import { readCase, renderFixture, valuesRepo } from '../../helpers/render-fixture.js';

const casesDir = join(coreRoot, 'test/fixtures/check/cases');
const passing = new Set([
  'clean',
  'warn-enforcement',
  'exception-team',
  'exception-object',
  'exception-release',
  'test-hook',
  'disabled',
]);

for (const file of readdirSync(casesDir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()) {
  const c = readCase(join(casesDir, file));
  test(`check ${c.name}`, async () => {
    const dir = await renderFixture(c);
    const values = await valuesRepo(c.values);
    try {
      const r = await runCli(['check', '--values', values, '--cluster', 'dev', '--dir', dir, ...c.args]);
      const actual = `exit ${r.code}\n${r.stdout}`;
      assert.is(r.code, passing.has(c.name) ? 0 : 4, `${c.name}: exit code\n${r.stderr}`);
      assertGoldenFile('check', c.name, actual);
    } finally {
      await removeFixture(join(dir, '..'));
      await removeFixture(values);
    }
  });
}

test.run();
