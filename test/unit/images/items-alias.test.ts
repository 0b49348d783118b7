// Image origins through `range` items and aliased sub-charts (images/template-trace.ts,
// images/origins.ts), over the traced-items test chart: a list item's own line (sidecars[1].image),
// a map item's (containers.metrics.tag) through nested helpers, the agent sub-chart given twice
// under two aliases (values under collector./shipper., files in charts/agent/), and "unknown" where
// two items spell one image alike. The manifest is what helm renders for these values.
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { collectImages } from '../../../core/images/collect.js';
import { formatImages } from '../../../core/images/format.js';
import { fieldReads } from '../../../core/images/template-trace.js';
import type { ImageUse } from '../../../core/images/types.js';
import { chartTemplates } from '../../../core/render/chart-templates.js';
import { splitManifest } from '../../../core/render/manifests.js';
import type { OriginMap } from '../../../core/render/provenance.js';
import type { RenderedRelease } from '../../../core/render/types.js';
import { coreRoot } from '../../../core/shared/paths.js';

const shown = 'test/fixtures/charts/traced-items';
const chart = join(coreRoot, shown);
const keys = ['spec', 'template', 'spec', 'containers', 'image'];

const agent = (alias: string, image: string) => `---
# Source: traced-items/charts/${alias}/templates/daemonset.yaml
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: r-${alias}
spec:
  template:
    spec:
      containers:
        - name: agent
          image: ${image}
`;

function release(values: Record<string, unknown>, images: Record<string, string>): RenderedRelease {
  const containers = Object.entries(images)
    .filter(([n]) => !['collector', 'shipper'].includes(n))
    .map(([n, i]) => `        - name: ${n}\n          image: "${i}"\n`)
    .join('');
  const manifest = `${agent('collector', images.collector ?? '')}${agent('shipper', images.shipper ?? '')}---
# Source: traced-items/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: r
spec:
  template:
    spec:
      containers:
${containers}`;
  const { files, objects } = splitManifest(manifest, '40-extra/r', () => 'ns');
  return {
    ...{ runlevel: '40-extra', name: 'r', namespace: 'ns', labels: {}, needs: [], values },
    chart: { name: 'traced-items', version: '0.1.0', path: shown },
    ...{ valuesDigest: '', inputDigest: '', manifestDigest: '', manifest, files, objects },
  };
}

const defaults = {
  proxy: 'docker.io/example/proxy:2.1',
  logs: 'docker.io/example/logs:0.4',
  'worker-0': 'docker.io/example/worker:7',
  'worker-1': 'docker.io/example/worker:7',
  'job-0': 'docker.io/example/job:1',
  'job-1': 'docker.io/example/job:2',
  metrics: 'docker.io/example/metrics:3.0',
  tracer: 'docker.io/example/tracer:1.0.0',
  collector: 'docker.io/example/agent:5.0',
  shipper: 'docker.io/example/agent:5.1',
};

function uses(rel: RenderedRelease, origins?: OriginMap): Record<string, ImageUse> {
  const out: Record<string, ImageUse> = {};
  for (const image of collectImages([rel], origins ? { origins } : {}))
    for (const u of image.uses) out[`${u.object} ${u.field.replace(/.*\[name=(.*)\]\.image$/, '$1')}`] = u;
  return out;
}

test('range reads: any item of a list or a map, through a variable and two nested helpers', () => {
  const reads = fieldReads(chartTemplates(chart), 'traced-items/templates/deployment.yaml', keys);
  assert.equal(reads, [
    { values: '/sidecars/*/image' },
    { values: '/workers/*/image' },
    { values: '/jobs/*/repository' },
    { values: '/jobs/*/tag' },
    { values: '/containers/*/repository' },
    { values: '/containers/*/tag' },
    { appVersion: true },
  ]);
});

test('an aliased sub-chart is read by its alias, once per alias, from charts/<name>/', () => {
  const templates = chartTemplates(chart);
  assert.ok(templates.files.has('traced-items/charts/collector/templates/daemonset.yaml'));
  assert.ok(templates.files.has('traced-items/charts/shipper/templates/daemonset.yaml'));
  assert.not.ok(templates.files.has('traced-items/charts/agent/templates/daemonset.yaml'));
  assert.is(templates.dirs.get('traced-items/charts/shipper'), join(chart, 'charts/agent'));
  assert.equal(fieldReads(templates, 'traced-items/charts/shipper/templates/daemonset.yaml', keys), [
    { values: '/image/registry' },
    { values: '/image/repository' },
    { values: '/image/tag' },
    { appVersion: true },
  ]);
});

test('chart defaults: the item line, the map item line, the sub-chart and parent lines', () => {
  const u = uses(release({}, defaults));
  assert.is(u['Deployment/r proxy']?.chartDefault, `${shown}/values.yaml:4`);
  assert.is(u['Deployment/r logs']?.chartDefault, `${shown}/values.yaml:6`);
  assert.equal(u['Deployment/r metrics']?.parts, [
    { part: 'registry', chart: `${shown}/values.yaml:10` },
    { part: 'repository', chart: `${shown}/values.yaml:10` },
    { part: 'tag', chart: `${shown}/values.yaml:11` },
  ]);
  assert.equal(u['Deployment/r tracer']?.parts?.[2], { part: 'tag', chart: `${shown}/Chart.yaml:6` });
  // collector: the sub-chart's own defaults and appVersion; shipper: the parent's override of its tag.
  assert.equal(u['DaemonSet/r-collector agent']?.parts, [
    { part: 'registry', chart: `${shown}/charts/agent/values.yaml:3` },
    { part: 'repository', chart: `${shown}/charts/agent/values.yaml:4` },
    { part: 'tag', chart: `${shown}/charts/agent/Chart.yaml:6` },
  ]);
  assert.equal(u['DaemonSet/r-shipper agent']?.parts?.[2], { part: 'tag', chart: `${shown}/values.yaml:24` });
});

test('values repo lines: a replaced list item, a map item, an alias key', () => {
  const values = {
    sidecars: [
      { name: 'proxy', image: 'docker.io/example/proxy:2.2' },
      { name: 'logs', image: 'docker.io/example/logs:0.5' },
    ],
    containers: { metrics: { tag: '3.1' } },
    collector: { image: { repository: 'example/agent-fips' } },
  };
  const origins: OriginMap = new Map(
    [
      ['sidecars/1/image', 6, 12],
      ['containers/metrics/tag', 9, 10],
      ['collector/image/repository', 12, 17],
    ].map(([p, line, col]) => [
      `/charts/r/${p}`,
      {
        file: 'clusters/dev/charts/r.yaml',
        line: line as number,
        col: col as number,
        layer: 'cluster' as const,
      },
    ]),
  );
  const u = uses(
    release(values, {
      ...defaults,
      proxy: 'docker.io/example/proxy:2.2',
      logs: 'docker.io/example/logs:0.5',
      metrics: 'docker.io/example/metrics:3.1',
      collector: 'docker.io/example/agent-fips:5.0',
    }),
    origins,
  );
  const file = 'clusters/dev/charts/r.yaml';
  assert.equal(u['Deployment/r logs']?.values, { file, line: 6, col: 12 });
  assert.equal(u['Deployment/r metrics']?.parts?.[2], { part: 'tag', values: { file, line: 9, col: 10 } });
  assert.equal(u['DaemonSet/r-collector agent']?.values, { file, line: 12, col: 17 });
  assert.is(u['DaemonSet/r-shipper agent']?.values, undefined, 'the other alias keeps its own');
});

test('two items that spell one image alike: unknown origin, not the first line', () => {
  const u = uses(release({}, defaults));
  for (const w of ['worker-0', 'worker-1']) {
    const use = u[`Deployment/r ${w}`];
    assert.is(use?.unknown, true);
    assert.is(use?.chartDefault, undefined);
    assert.ok(use?.parts?.every((p) => p.unknown));
  }
  const text = formatImages(collectImages([release({}, defaults)]));
  assert.match(text, /containers\[name=worker-1\]\.image ← unknown origin/);
  assert.match(text, /containers\[name=logs\]\.image ← chart default \S+values\.yaml:6\n/);
});

test('two items with one repository: the item whose tag the reference holds wrote it', () => {
  const u = uses(release({}, defaults));
  assert.equal(u['Deployment/r job-1']?.parts, [
    { part: 'registry', chart: `${shown}/values.yaml:29` },
    { part: 'repository', chart: `${shown}/values.yaml:29` },
    { part: 'tag', chart: `${shown}/values.yaml:30` },
  ]);
  assert.is(u['Deployment/r job-0']?.chartDefault, `${shown}/values.yaml:27`);
});

test.run();
