// CRDs wherever charts keep them, against the real helm and `runlevel check`: a sub-chart's crds/
// (directory or a package made by `helm package`) read as helm reads them; custom resources of
// those kinds validated against the CRD's schema; a --selector render checked against the CRDs of
// the whole platform.
import { cp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAllDocuments } from 'yaml';
import { chartCrds } from '../../../core/check/chart-crds.js';
import { run } from '../../../core/shared/exec.js';
import { coreRoot } from '../../../core/shared/paths.js';
import { runCli } from '../../helpers/cli.js';
import { fixture, removeFixture } from '../../helpers/fixture.js';
import { renderFixture, valuesRepo } from '../../helpers/render-fixture.js';
import { initValuesRepo } from '../../helpers/values-repo.js';

const charts = join(coreRoot, 'test/fixtures/charts');

/** The CRD names helm itself installs for a chart (`helm show crds` walks the sub-charts too). */
async function helmCrdNames(chart: string): Promise<string[]> {
  const r = await run('helm', ['show', 'crds', chart]);
  return parseAllDocuments(String(r.stdout))
    .map((d) => d.toJS() as { kind?: string; metadata?: { name?: string } } | null)
    .filter((d) => d?.kind === 'CustomResourceDefinition')
    .map((d) => String(d?.metadata?.name))
    .sort();
}

const ourCrdNames = (chart: string) =>
  chartCrds(chart)
    .map((c) => String((c.body.metadata as { name: string }).name))
    .sort();

test('the CRDs read from a chart are those helm installs: own crds/, sub-chart directory, sub-chart package', async () => {
  for (const name of ['monitored-app', 'crd-provider', 'crd-consumer', 'test-hooks']) {
    assert.equal(ourCrdNames(join(charts, name)), await helmCrdNames(join(charts, name)), name);
  }
  const work = await fixture({});
  try {
    const chart = join(work, 'monitored-app');
    await cp(join(charts, 'monitored-app'), chart, { recursive: true });
    await run('helm', [
      'package',
      join(chart, 'charts/metrics-operator'),
      '--destination',
      join(chart, 'charts'),
    ]);
    await rm(join(chart, 'charts/metrics-operator'), { recursive: true });
    assert.equal(await helmCrdNames(chart), ['metricstargets.monitoring.example.test']);
    assert.equal(ourCrdNames(chart), await helmCrdNames(chart), 'packaged sub-chart');
  } finally {
    await removeFixture(work);
  }
});

test('custom resources of a sub-chart’s CRD, as helm renders the chart, pass check', async () => {
  const r = await run('helm', ['template', 'shop', join(charts, 'monitored-app'), '--namespace', 'shop']);
  const dir = await renderFixture({
    manifest: String(r.stdout),
    runlevel: '30-apps',
    release: 'shop',
    namespace: 'shop',
    chart: 'test/fixtures/charts/monitored-app',
  });
  const values = await valuesRepo({});
  try {
    const c = await runCli(['check', '--values', values, '--cluster', 'dev', '--dir', dir]);
    assert.is(c.code, 0, c.stdout + c.stderr);
    assert.match(c.stdout, '3 objects checked: 0 errors, 0 warnings');
  } finally {
    await removeFixture(join(dir, '..'));
    await removeFixture(values);
  }
});

test('a --selector render is checked against the CRDs of the whole platform', async () => {
  // The Constraints' kinds come from the ConstraintTemplates of another release (policy-templates).
  const repo = await initValuesRepo();
  const out = await fixture({});
  try {
    const dir = join(out, 'render');
    const t = await runCli([
      'template',
      '--values',
      repo.dir,
      '--cluster',
      'dev',
      '--selector',
      'name=policy-constraints',
      '--out',
      dir,
    ]);
    assert.is(t.code, 0, t.stderr);
    const c = await runCli(['check', '--values', repo.dir, '--cluster', 'dev', '--dir', dir]);
    assert.not.match(c.stdout, 'schema/unknown-kind');
    assert.is(c.code, 0, c.stdout + c.stderr);
    assert.match(c.stdout, /\d+ objects? checked: 0 errors/);
  } finally {
    await removeFixture(out);
    await repo.remove();
  }
});

test.run();
