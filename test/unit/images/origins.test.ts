// Image origins read from the template that wrote each image (images/template-trace.ts,
// images/origins.ts), over the assembled-image test chart: a part per place when the registry,
// repository and tag come from different files. The manifest is what helm renders for these values
// (test/integration/images/origins.test.ts renders it with helm itself).
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { collectImages } from '../../../core/images/collect.js';
import { partSpans } from '../../../core/images/origins.js';
import { fieldReads } from '../../../core/images/template-trace.js';
import { chartTemplates } from '../../../core/render/chart-templates.js';
import { splitManifest } from '../../../core/render/manifests.js';
import type { OriginMap } from '../../../core/render/provenance.js';
import type { RenderedRelease } from '../../../core/render/types.js';
import { coreRoot } from '../../../core/shared/paths.js';

const chart = join(coreRoot, 'test/fixtures/charts/assembled-image');
const shown = 'test/fixtures/charts/assembled-image';

function release(values: Record<string, unknown>, images: [string, string, string]): RenderedRelease {
  const manifest = `---
# Source: assembled-image/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: parts
spec:
  template:
    spec:
      containers:
        - name: controller
          image: ${images[0]}
        - name: webhook
          image: "${images[1]}"
        - name: sidecar
          image: "${images[2]}"
`;
  const { files, objects } = splitManifest(manifest, '40-extra/parts', () => 'ns');
  return {
    runlevel: '40-extra',
    name: 'parts',
    namespace: 'ns',
    chart: { name: 'assembled-image', version: '0.1.0', path: shown },
    labels: {},
    needs: [],
    values,
    valuesDigest: '',
    inputDigest: '',
    manifestDigest: '',
    manifest,
    files,
    objects,
  };
}

const at = (line: number, col = 7) => ({
  file: 'clusters/dev/settings.yaml',
  line,
  col,
  layer: 'cluster' as const,
});

test('the reads of an image field: through a tuple helper, a with scope, a variable, printf', () => {
  const templates = chartTemplates(chart);
  const reads = (name: string) =>
    fieldReads(templates, 'assembled-image/templates/deployment.yaml', [
      'spec',
      'template',
      'spec',
      'containers',
      name,
    ]);
  assert.equal(reads('image'), [
    { values: '/controller/image/registry' },
    { values: '/controller/image/repository' },
    { values: '/controller/image/digest' },
    { values: '/controller/image/tag' },
    { appVersion: true },
    { values: '/global/imageRegistry' }, // `GIVEN | default FALLBACK`: the given value first
    { values: '/webhook/image/registry' },
    { values: '/webhook/image/repository' },
    { values: '/webhook/image/tag' },
    { values: '/sidecar/image/repository' },
    { values: '/sidecar/image/tag' },
  ]);
  assert.equal(reads('resources'), []);
});

test('parts of a reference, a registry with a port included', () => {
  assert.equal(partSpans('registry.corp.example:5000/example/webhook:1.4.0'), {
    registry: [0, 26],
    repository: [27, 42],
    tag: [43, 48],
  });
  assert.equal(partSpans('example/app@sha256:ab'), { repository: [0, 11], digest: [12, 21] });
});

test('an origin per part: repository from a values file, registry from the chart, tag from appVersion', () => {
  const rel = release({ charts: {}, controller: { image: { repository: 'example/controller-fips' } } }, [
    'quay.io/example/controller-fips:v2.4.1',
    'registry.corp.example:5000/example/webhook:1.4.0',
    'docker.io/example/sidecar:0.9',
  ]);
  const origins: OriginMap = new Map([['/charts/parts/controller/image/repository', at(4)]]);
  const images = collectImages([rel], { origins });
  const parts = Object.fromEntries(images.flatMap((i) => i.uses.map((u) => [u.field, u])));
  const controller = parts['spec.template.spec.containers[name=controller].image'];
  assert.equal(controller?.values, { file: 'clusters/dev/settings.yaml', line: 4, col: 7 });
  assert.equal(controller?.parts, [
    { part: 'registry', chart: `${shown}/values.yaml:7` },
    { part: 'repository', values: { file: 'clusters/dev/settings.yaml', line: 4, col: 7 } },
    { part: 'tag', chart: `${shown}/Chart.yaml:6` },
  ]);
  // The registry with a port keeps its origin (issue 18: it was lost).
  assert.equal(parts['spec.template.spec.containers[name=webhook].image']?.parts, [
    { part: 'registry', chart: `${shown}/values.yaml:15` },
    { part: 'repository', chart: `${shown}/values.yaml:16` },
    { part: 'tag', chart: `${shown}/values.yaml:17` },
  ]);
  assert.equal(parts['spec.template.spec.containers[name=sidecar].image']?.parts, [
    { part: 'registry', chart: `${shown}/values.yaml:21` },
    { part: 'repository', chart: `${shown}/values.yaml:21` },
    { part: 'tag', chart: `${shown}/values.yaml:22` },
  ]);
});

test('a global registry set in the values repo is the registry part of the image that reads it', () => {
  const rel = release({ global: { imageRegistry: 'mirror.corp.example:5000' } }, [
    'quay.io/example/controller:v2.4.1',
    'mirror.corp.example:5000/example/webhook:1.4.0',
    'docker.io/example/sidecar:0.9',
  ]);
  const origins: OriginMap = new Map([['/charts/parts/global/imageRegistry', at(9, 20)]]);
  const images = collectImages([rel], { origins });
  const webhook = images.find((i) => i.source.startsWith('mirror.corp.example:5000/'))?.uses[0];
  assert.equal(webhook?.parts?.[0], {
    part: 'registry',
    values: { file: 'clusters/dev/settings.yaml', line: 9, col: 20 },
  });
  assert.equal(webhook?.values, { file: 'clusters/dev/settings.yaml', line: 9, col: 20 });
  assert.equal(webhook?.parts?.[1], { part: 'repository', chart: `${shown}/values.yaml:16` });
});

test.run();
