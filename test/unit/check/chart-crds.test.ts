// The CRDs a chart installs from crds/: its own, its sub-charts' (directories and .tgz packages, to
// any depth), and the shared test charts under test/fixtures/charts.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chartCrds, crdKindsOfChart } from '../../../core/check/chart-crds.js';
import { kindDefiners } from '../../../core/check/platform-crds.js';
import { coreRoot } from '../../../core/shared/paths.js';
import { fixture, removeFixture } from '../../helpers/fixture.js';

const charts = join(coreRoot, 'test/fixtures/charts');

const crd = (group: string, kind: string) =>
  [
    'apiVersion: apiextensions.k8s.io/v1',
    'kind: CustomResourceDefinition',
    `metadata: { name: ${kind.toLowerCase()}s.${group} }`,
    `spec: { group: ${group}, scope: Namespaced, names: { kind: ${kind}, plural: ${kind.toLowerCase()}s }, versions: [] }`,
  ].join('\n');

test('a sub-chart’s crds/ belong to the parent chart (monitored-app → metrics-operator)', () => {
  assert.equal(crdKindsOfChart(join(charts, 'monitored-app')), ['monitoring.example.test/MetricsTarget']);
  const found = chartCrds(join(charts, 'monitored-app'));
  assert.is(found.length, 1);
  assert.is(
    found[0]?.source,
    'test/fixtures/charts/monitored-app/charts/metrics-operator/crds/metricstargets.yaml',
  );
});

test('a chart’s own crds/ and none for a chart without any', () => {
  assert.equal(crdKindsOfChart(join(charts, 'crd-provider')), ['backup.example.test/Backup']);
  assert.equal(crdKindsOfChart(join(charts, 'crd-consumer')), []);
});

test('sub-charts of sub-charts, multi-document and .yml/.json files; other YAML ignored', async () => {
  const root = await fixture({
    'Chart.yaml': 'apiVersion: v2\nname: top\nversion: 0.1.0\n',
    'crds/two.yaml': `${crd('a.example.test', 'One')}\n---\n${crd('a.example.test', 'Two')}\n---\nkind: ConfigMap\n`,
    'crds/nested/three.yml': crd('a.example.test', 'Three'),
    'crds/README.md': 'not a manifest',
    'templates/crd.yaml': crd('templated.example.test', 'NotHere'),
    'charts/mid/Chart.yaml': 'apiVersion: v2\nname: mid\nversion: 0.1.0\n',
    'charts/mid/charts/low/Chart.yaml': 'apiVersion: v2\nname: low\nversion: 0.1.0\n',
    'charts/mid/charts/low/crds/four.json': JSON.stringify({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      spec: { group: 'b.example.test', names: { kind: 'Four' } },
    }),
    'charts/not-a-chart/crds/five.yaml': crd('c.example.test', 'Five'),
  });
  try {
    assert.equal(crdKindsOfChart(root), [
      'a.example.test/One',
      'a.example.test/Three',
      'a.example.test/Two',
      'b.example.test/Four',
    ]);
  } finally {
    await removeFixture(root);
  }
});

test('a packaged sub-chart (charts/<dep>.tgz), long paths and a package inside the package', async () => {
  const long = 'a-sub-chart-with-a-name-long-enough-to-need-a-long-path-record-in-the-tar-header';
  const work = await fixture({
    [`${long}/Chart.yaml`]: `apiVersion: v2\nname: ${long}\nversion: 0.1.0\n`,
    [`${long}/crds/a-file-whose-path-is-over-one-hundred-characters-long.yaml`]: crd(
      'tgz.example.test',
      'Packed',
    ),
    'inner/Chart.yaml': 'apiVersion: v2\nname: inner\nversion: 0.1.0\n',
    'inner/crds/inner.yaml': crd('tgz.example.test', 'Inner'),
  });
  const root = await fixture({ 'Chart.yaml': 'apiVersion: v2\nname: top\nversion: 0.1.0\n' });
  try {
    execFileSync('tar', ['czf', join(work, long, 'charts-inner.tgz'), '-C', work, 'inner']);
    execFileSync('mkdir', ['-p', join(work, long, 'charts')]);
    execFileSync('mv', [join(work, long, 'charts-inner.tgz'), join(work, long, 'charts', 'inner-0.1.0.tgz')]);
    execFileSync('mkdir', ['-p', join(root, 'charts')]);
    for (const format of ['gnu', 'posix']) {
      const archive = join(root, 'charts', 'packed-0.1.0.tgz');
      execFileSync('tar', [`--format=${format}`, '-czf', archive, '-C', work, long]);
      assert.ok(readFileSync(archive).length > 0);
      assert.equal(
        crdKindsOfChart(root),
        ['tgz.example.test/Inner', 'tgz.example.test/Packed'],
        `tar --format=${format}`,
      );
    }
  } finally {
    await removeFixture(root);
    await removeFixture(work);
  }
});

test('a crds/ file that is not YAML is an error naming the file', async () => {
  const root = await fixture({
    'Chart.yaml': 'apiVersion: v2\nname: top\nversion: 0.1.0\n',
    'crds/bad.yaml': 'kind: CustomResourceDefinition\nspec: [unclosed\n',
  });
  try {
    assert.throws(
      () => chartCrds(root),
      (e: Error) => /crds\/bad\.yaml is not valid YAML/.test(e.message),
    );
  } finally {
    await removeFixture(root);
  }
});

test('kindDefiners: CRDs and ConstraintTemplates from manifests, and the crds/ of their charts', () => {
  const manifest = [
    '---\n# Source: x/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\ndata:\n  text: |\n    kind: CustomResourceDefinition\n',
    `---\n# Source: x/templates/crd.yaml\n${crd('r.example.test', 'Rendered')}\n`,
    '---\napiVersion: templates.gatekeeper.sh/v1\nkind: ConstraintTemplate\nmetadata: { name: t }\n',
  ].join('');
  const found = kindDefiners([{ manifest, chart: { path: 'test/fixtures/charts/crd-provider' } }]);
  assert.equal(
    found.map((b) => `${b.kind}/${(b.metadata as { name: string }).name}`),
    [
      'CustomResourceDefinition/rendereds.r.example.test',
      'ConstraintTemplate/t',
      'CustomResourceDefinition/backups.backup.example.test',
    ],
  );
});

test.run();
