import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { renderPlatform } from '../../../core/render/index.js';
import { UserError } from '../../../core/shared/errors.js';
import { ExitCode } from '../../../core/shared/exit-codes.js';
import { resolveValues } from '../../../core/values/index.js';
import { runCli } from '../../helpers/cli.js';
import { fixture, removeFixture } from '../../helpers/fixture.js';
import { copyOfCore, fixtures } from '../../helpers/render-helpers.js';

/** The minimal fixture with some files replaced. */
async function minimalWith(files: Record<string, string>): Promise<string> {
  const base = join(fixtures, 'minimal');
  const tree: Record<string, string> = {};
  for (const f of [
    'runlevel.yaml',
    'clusters/dev/settings.yaml',
    'common/teams/alpha.yaml',
    'common/apps/web.yaml',
  ]) {
    tree[f] = await readFile(join(base, f), 'utf8');
  }
  return fixture({ ...tree, ...files });
}

async function renderError(values: string, helmfileDir: string): Promise<UserError> {
  const resolved = await resolveValues({ valuesDir: values, cluster: 'dev' });
  try {
    await renderPlatform({
      values: resolved.values,
      origins: resolved.origins,
      texts: resolved.texts,
      helmfileDir,
    });
  } catch (err) {
    assert.instance(err, UserError);
    return err as UserError;
  }
  throw new Error('render succeeded but should have failed');
}

test('a chart template failure exits 3 naming release, chart, template file and line', async () => {
  const values = await minimalWith({
    'common/apps/web.yaml':
      'image: { repository: docker.io/library/nginx, tag: "1.27.3" }\nvalues:\n  autoscaling: { enabled: true, minReplicas: 9, maxReplicas: 2 }\n',
  });
  try {
    const r = await runCli(['template', '--values', values, '--cluster', 'dev']);
    assert.is(r.code, ExitCode.renderFailed, r.stderr);
    assert.match(
      r.stderr,
      'release alpha-web (runlevel 90-apps, chart app): template app/templates/hpa.yaml failed',
    );
    assert.match(r.stderr, 'charts/app/templates/hpa.yaml:3:');
    assert.match(r.stderr, 'autoscaling.minReplicas (9) is greater than autoscaling.maxReplicas (2)');
    assert.not.match(r.stderr, 'Use --debug');
    assert.is(r.stdout, '', 'nothing rendered is printed after a failure');
  } finally {
    await removeFixture(values);
  }
});

test('a chart values.schema.json failure names the values file and line that set the value', async () => {
  const values = await minimalWith({
    'common/apps/web.yaml':
      'image: { repository: docker.io/library/nginx, tag: "1.27.3" }\nvalues:\n  port: 8080\n  replicas: many\n',
  });
  try {
    const r = await runCli(['template', '--values', values, '--cluster', 'dev']);
    assert.is(r.code, ExitCode.renderFailed, r.stderr);
    assert.match(
      r.stderr,
      "release alpha-web (runlevel 90-apps, chart app): values do not match the chart's values.schema.json",
    );
    assert.match(r.stderr, 'common/apps/web.yaml:4:13');
    assert.match(r.stderr, 'apps.web.values.replicas: got string, want integer (chart value /replicas)');
    assert.match(r.stderr, '> 4 |   replicas: many');
  } finally {
    await removeFixture(values);
  }
});

test('a broken template in a chart is located in the chart file', async () => {
  const core = await copyOfCore();
  try {
    const file = join(core, 'charts/team/templates/quota.yaml');
    const text = await readFile(file, 'utf8');
    await writeFile(
      file,
      text.replace('{{- if .Values.quota.enabled }}', '{{- if .Values.quota.enabled | nosuchfunc }}'),
    );
    const err = await renderError(join(fixtures, 'minimal'), join(core, 'helmfile.d'));
    assert.is(err.exitCode, ExitCode.renderFailed);
    assert.match(err.message, 'release team-alpha (runlevel 60-teams, chart team)');
    assert.ok(err.problems[0]?.where?.file.endsWith('charts/team/templates/quota.yaml'));
    assert.is(err.problems[0]?.where?.line, 1);
    assert.match(err.problems[0]?.message ?? '', 'function "nosuchfunc" not defined');
  } finally {
    await rm(core, { recursive: true, force: true });
  }
});

test('a release whose chart is missing is an error, not a partial render', async () => {
  const core = await copyOfCore();
  try {
    await rm(join(core, 'charts/ingress'), { recursive: true });
    const err = await renderError(join(fixtures, 'minimal'), join(core, 'helmfile.d'));
    assert.is(err.exitCode, ExitCode.renderFailed);
    assert.match(
      err.message,
      /^release ingress in runlevel 20-ingress uses chart \S*charts\/ingress, which does not exist/,
    );
    assert.match(err.problems[0]?.where?.file ?? '', '20-ingress.yaml.gotmpl');
    assert.match(err.problems[0]?.frame ?? '', 'chart: ../charts/ingress');
  } finally {
    await rm(core, { recursive: true, force: true });
  }
});

test('an error in a runlevel file points at its line', async () => {
  const core = await copyOfCore();
  try {
    const file = join(core, 'helmfile.d/60-teams.yaml.gotmpl');
    const text = await readFile(file, 'utf8');
    await writeFile(
      file,
      text.replace('    chart: ../charts/team', '    chart: ../charts/team{{ fail "boom in teams" }}'),
    );
    const err = await renderError(join(fixtures, 'minimal'), join(core, 'helmfile.d'));
    assert.is(err.exitCode, ExitCode.renderFailed);
    const p = err.problems[0];
    assert.match(p?.message ?? '', 'boom in teams');
    const line = text.split('\n').indexOf('    chart: ../charts/team') + 1;
    assert.is(p?.where?.line, line);
    assert.match(p?.frame ?? '', 'fail "boom in teams"');
  } finally {
    await rm(core, { recursive: true, force: true });
  }
});

test.run();
