// `runlevel images` over the traced-items test chart, rendered by helm from a values repo as
// docs/charts.md adds a chart: an image from a `range` over a list points at the item's own line,
// one from a map item at that item's key, one from a sub-chart given under an alias at the alias
// key in the values repo or at the sub-chart's (or parent's) default; two items alike: unknown.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { PlatformImage } from '../../../core/images/types.js';
import { runCli } from '../../helpers/cli.js';
import { type CoreCopy, copyOfCore } from '../../helpers/core-copy.js';
import { testCharts } from '../../helpers/upstream-runlevel.js';
import { initValuesRepo, type ValuesRepo } from '../../helpers/values-repo.js';

let core: CoreCopy;
let repo: ValuesRepo;

const runlevel = (chart: string) => `# runlevel 40-items: a chart we did not write, values from charts.items.
commonLabels:
  runlevel: 40-items
{{- $charts := .Values | get "charts" dict }}
releases:
  - name: items
    namespace: upstream
    chart: ${chart}
    installed: {{ hasKey $charts "items" }}
    values:
      - {{- .Values | get "charts.items" dict | toYaml | nindent 8 }}
`;

test.before(async () => {
  core = await copyOfCore({ runlevels: {}, charts: { 'traced-items': join(testCharts, 'traced-items') } });
  await core.writeRunlevel('40-items.yaml.gotmpl', runlevel(join(core.root, 'charts/traced-items')));
  repo = await initValuesRepo('dev');
  await mkdir(join(repo.dir, 'clusters/dev/charts'), { recursive: true });
  await writeFile(
    join(repo.dir, 'clusters/dev/charts/items.yaml'),
    [
      '# The logs sidecar moved to 0.5; metrics to 3.1; the collector runs its FIPS build.',
      'sidecars:',
      '  - name: proxy',
      '    image: docker.io/example/proxy:2.1',
      '  - name: logs',
      '    image: docker.io/example/logs:0.5',
      'containers:',
      '  metrics:',
      '    tag: "3.1"',
      'collector:',
      '  image:',
      '    repository: example/agent-fips',
      '',
    ].join('\n'),
  );
});

test.after(async () => {
  await core?.remove();
  await repo?.remove();
});

const file = 'clusters/dev/charts/items.yaml';
const cli = (...args: string[]) =>
  runCli(['images', '--cluster', 'dev', '--values', repo.dir, ...args], { core: core.root });

test('images -o json: list items, map items, aliased sub-charts, unknown where two items are alike', async () => {
  const r = await cli('-o', 'json');
  assert.is(r.code, 0, r.stderr);
  const images = JSON.parse(r.stdout) as PlatformImage[];
  const uses = (source: string) => {
    const image = images.find((i) => i.source === source);
    assert.ok(image, `${source} in ${images.map((i) => i.source).join(', ')}`);
    return image?.uses ?? [];
  };
  const chart = (line: string) => new RegExp(`charts/traced-items/${line}$`);

  assert.equal(uses('docker.io/example/logs:0.5')[0]?.values, { file, line: 6, col: 12 });
  assert.equal(uses('docker.io/example/proxy:2.1')[0]?.values, { file, line: 4, col: 12 });
  const metrics = uses('docker.io/example/metrics:3.1')[0];
  assert.match(metrics?.parts?.[1]?.chart ?? '', chart('values.yaml:10'));
  assert.equal(metrics?.parts?.[2], { part: 'tag', values: { file, line: 9, col: 10 } });
  const tracer = uses('docker.io/example/tracer:1.0.0')[0];
  assert.match(tracer?.parts?.[2]?.chart ?? '', chart('Chart.yaml:6'), 'the tag is the appVersion');

  const collector = uses('docker.io/example/agent-fips:5.0')[0];
  assert.is(collector?.object, 'DaemonSet/items-collector');
  assert.equal(collector?.values, { file, line: 12, col: 17 });
  assert.match(collector?.parts?.[0]?.chart ?? '', chart('charts/agent/values.yaml:3'));
  assert.match(collector?.parts?.[2]?.chart ?? '', chart('charts/agent/Chart.yaml:6'));
  const shipper = uses('docker.io/example/agent:5.1')[0];
  assert.is(shipper?.object, 'DaemonSet/items-shipper');
  assert.match(shipper?.parts?.[1]?.chart ?? '', chart('charts/agent/values.yaml:4'));
  assert.match(shipper?.parts?.[2]?.chart ?? '', chart('values.yaml:24'), "the parent's default");

  const workers = uses('docker.io/example/worker:7');
  assert.is(workers.length, 2);
  for (const w of workers) {
    assert.is(w.unknown, true);
    assert.is(w.values, undefined);
    assert.is(w.chartDefault, undefined);
  }
});

test('images --why: the item line and its frame; unknown origin said', async () => {
  const why = await cli('--why', 'example/logs');
  assert.is(why.code, 0, why.stderr);
  assert.match(why.stdout, `containers[name=logs].image ← ${file}:6:12`);
  assert.match(why.stdout, 'image: docker.io/example/logs:0.5');
  const alias = await cli('--why', 'example/agent-fips');
  assert.is(alias.code, 0, alias.stderr);
  assert.match(alias.stdout, `repository ${file}:12:17`);
  assert.match(alias.stdout, 'repository: example/agent-fips');
  const worker = await cli('--why', 'example/worker');
  assert.is(worker.code, 0, worker.stderr);
  assert.match(worker.stdout, 'containers[name=worker-0].image ← unknown origin');
  assert.match(worker.stdout, 'containers[name=worker-1].image ← unknown origin');
});

test.run();
