// `runlevel images` over a chart that assembles its images from several values (the assembled-image
// test chart), rendered by helm from a values repo as docs/charts.md adds a chart: every part of a
// reference is traced to the line that set it — a values file, the chart's values.yaml, its
// appVersion in Chart.yaml — and a registry with a port keeps its origin.
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

const runlevel = (chart: string) => `# runlevel 40-parts: a chart we did not write, values from charts.parts.
commonLabels:
  runlevel: 40-parts
{{- $charts := .Values | get "charts" dict }}
releases:
  - name: parts
    namespace: upstream
    chart: ${chart}
    installed: {{ hasKey $charts "parts" }}
    values:
      - {{- .Values | get "charts.parts" dict | toYaml | nindent 8 }}
`;

test.before(async () => {
  core = await copyOfCore({
    runlevels: {},
    charts: { 'assembled-image': join(testCharts, 'assembled-image') },
  });
  await core.writeRunlevel('40-parts.yaml.gotmpl', runlevel(join(core.root, 'charts/assembled-image')));
  repo = await initValuesRepo('dev');
  await mkdir(join(repo.dir, 'clusters/dev/charts'), { recursive: true });
  await writeFile(
    join(repo.dir, 'clusters/dev/charts/parts.yaml'),
    [
      '# The controller from its FIPS build; every image that reads it from the corp mirror.',
      'controller:',
      '  image:',
      '    repository: example/controller-fips',
      'global:',
      '  imageRegistry: mirror.corp.example:5000',
      '',
    ].join('\n'),
  );
});

test.after(async () => {
  await core?.remove();
  await repo?.remove();
});

test('images: an origin per part, through helpers, a global registry, appVersion and printf', async () => {
  const r = await runCli(['images', '--cluster', 'dev', '--values', repo.dir, '-o', 'json'], {
    core: core.root,
  });
  assert.is(r.code, 0, r.stderr);
  const images = JSON.parse(r.stdout) as PlatformImage[];
  const use = (source: string) => {
    const image = images.find((i) => i.source === source);
    assert.ok(image, `${source} in ${images.map((i) => i.source).join(', ')}`);
    return image?.uses[0];
  };
  const file = 'clusters/dev/charts/parts.yaml';
  const chart = (line: string) => new RegExp(`charts/assembled-image/${line}$`);

  const controller = use('quay.io/example/controller-fips:v2.4.1');
  assert.equal(controller?.values, { file, line: 4, col: 17 });
  const [registry, repository, tag] = controller?.parts ?? [];
  assert.is(registry?.part, 'registry');
  assert.match(registry?.chart ?? '', chart('values.yaml:7'));
  assert.equal(repository, { part: 'repository', values: { file, line: 4, col: 17 } });
  assert.is(tag?.part, 'tag');
  assert.match(tag?.chart ?? '', chart('Chart.yaml:6'), 'the tag is the chart appVersion');

  // global.imageRegistry | default the image's registry: the values repo's registry, with a port.
  const webhook = use('mirror.corp.example:5000/example/webhook:1.4.0');
  assert.equal(webhook?.parts?.[0], { part: 'registry', values: { file, line: 6, col: 18 } });
  assert.match(webhook?.parts?.[1]?.chart ?? '', chart('values.yaml:16'));
  assert.match(webhook?.parts?.[2]?.chart ?? '', chart('values.yaml:17'));

  const sidecar = use('docker.io/example/sidecar:0.9');
  assert.match(sidecar?.chartDefault ?? '', chart('values.yaml:21'));

  const text = await runCli(['images', '--cluster', 'dev', '--values', repo.dir], { core: core.root });
  assert.is(text.code, 0, text.stderr);
  assert.match(
    text.stdout,
    /containers\[name=webhook\]\.image ← registry clusters\/dev\/charts\/parts\.yaml:6:18, repository chart default \S+values\.yaml:16, tag chart default \S+values\.yaml:17/,
  );
  // --why shows each place the reference was put together from.
  const why = await runCli(['images', '--cluster', 'dev', '--values', repo.dir, '--why', 'example/webhook'], {
    core: core.root,
  });
  assert.is(why.code, 0, why.stderr);
  assert.match(why.stdout, 'imageRegistry: mirror.corp.example:5000');
  assert.match(why.stdout, 'repository: example/webhook');
  assert.match(why.stdout, 'tag: "1.4.0"');
});

test.run();
