// Charts the render cannot use, each refused at the chart's own file (exit 3) instead of naming only
// the release or rendering nothing: a malformed Chart.yaml, one missing its version, no templates.

import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { renderPlatform } from '../../../core/render/index.js';
import { UserError } from '../../../core/shared/errors.js';
import { ExitCode } from '../../../core/shared/exit-codes.js';
import { resolveValues } from '../../../core/values/index.js';
import { copyOfCore, fixtures } from '../../helpers/render-helpers.js';

async function renderError(breakCore: (core: string) => Promise<void>): Promise<UserError> {
  const core = await copyOfCore();
  try {
    await breakCore(core);
    const resolved = await resolveValues({ valuesDir: join(fixtures, 'minimal'), cluster: 'dev' });
    await renderPlatform({
      values: resolved.values,
      origins: resolved.origins,
      texts: resolved.texts,
      helmfileDir: join(core, 'helmfile.d'),
      selectors: ['app=web'],
    });
  } catch (err) {
    assert.ok(err instanceof UserError, String(err));
    return err;
  } finally {
    await rm(core, { recursive: true, force: true });
  }
  throw new Error('render succeeded but should have failed');
}

test('a malformed Chart.yaml is named with its line, not only the release', async () => {
  const err = await renderError((core) =>
    writeFile(join(core, 'charts/app/Chart.yaml'), 'apiVersion: v2\nname: app\nversion: [1.0\n'),
  );
  assert.is(err.exitCode, ExitCode.renderFailed);
  assert.is(
    err.message,
    "release alpha-web (runlevel 90-apps, chart app): the chart's Chart.yaml is invalid",
  );
  const p = err.problems[0];
  assert.ok(p?.where?.file.endsWith('charts/app/Chart.yaml'), p?.where?.file);
  assert.is(p?.where?.line, 3);
  assert.match(p?.message ?? '', /^invalid YAML: did not find expected/);
  assert.match(p?.frame ?? '', /> 3 \| version: \[1\.0/);
});

test('a Chart.yaml without a version is named, at the file', async () => {
  const err = await renderError((core) =>
    writeFile(join(core, 'charts/app/Chart.yaml'), 'apiVersion: v2\nname: app\n'),
  );
  assert.is(err.exitCode, ExitCode.renderFailed);
  const p = err.problems[0];
  assert.ok(p?.where?.file.endsWith('charts/app/Chart.yaml'));
  assert.match(p?.message ?? '', /chart\.metadata\.version/);
});

test('a chart with no templates is refused instead of rendering nothing', async () => {
  const err = await renderError((core) => rm(join(core, 'charts/app/templates'), { recursive: true }));
  assert.is(err.exitCode, ExitCode.renderFailed);
  assert.is(err.message, 'release alpha-web (runlevel 90-apps) renders nothing');
  const p = err.problems[0];
  assert.ok(p?.where?.file.endsWith('charts/app/Chart.yaml'));
  assert.is(`${p?.where?.line}:${p?.where?.col}`, '1:1');
  assert.match(p?.message ?? '', /charts\/app has no templates/);
});

test.run();
