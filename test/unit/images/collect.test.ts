// The collector over rendered releases made by hand (no helm): every use, sorted, with the values
// line that set it, the chart default otherwise, hooks marked, helm test Pods left out.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { looksLikeImage } from '../../../core/check/images.js';
import { collectImages } from '../../../core/images/collect.js';
import { closestImage, findImages, useLine } from '../../../core/images/format.js';
import { imageOrigin, imagePointers } from '../../../core/images/provenance.js';
import type { ImageUse } from '../../../core/images/types.js';
import { splitManifest } from '../../../core/render/manifests.js';
import type { OriginMap } from '../../../core/render/provenance.js';
import type { RenderedRelease } from '../../../core/render/types.js';

function release(
  name: string,
  runlevel: string,
  labels: Record<string, string>,
  values: Record<string, unknown>,
  manifest: string,
): RenderedRelease {
  const { files, objects } = splitManifest(manifest, `${runlevel}/${name}`, (_a, _k, ns) => ns ?? 'ns');
  return {
    runlevel,
    name,
    namespace: 'ns',
    chart: { name: 'app', version: '0.1.0', path: 'charts/app' },
    labels,
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

const web = release(
  'team-a-web',
  '90-apps',
  { app: 'web', team: 'team-a' },
  { image: { repository: 'docker.io/library/nginx', tag: '1.27' } },
  `---
# Source: app/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: app
          image: docker.io/library/nginx:1.27
---
# Source: app/templates/test.yaml
apiVersion: v1
kind: Pod
metadata:
  name: web-test
  annotations: {helm.sh/hook: test}
spec:
  containers: [{name: t, image: busybox:latest}]
---
# Source: app/templates/job.yaml
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  annotations: {helm.sh/hook: "pre-upgrade"}
spec:
  template:
    spec:
      containers: [{name: m, image: "quay.io/m/m:1"}]
`,
);

const origins: OriginMap = new Map([
  [
    '/apps/web/image/repository',
    { file: 'common/apps/web.yaml', line: 2, col: 15, layer: 'common' as const },
  ],
  ['/apps/web/image/tag', { file: 'clusters/dev/apps/web.yaml', line: 3, col: 8, layer: 'cluster' as const }],
]);

test('each image once, sorted, its uses with field, hook and values line', () => {
  const images = collectImages([web], {
    mirror: 'm.example.com',
    origins,
    chartDefault: (_rel, ref) => (ref === 'quay.io/m/m:1' ? 'charts/app/values.yaml:9' : undefined),
    core: { source: 'docker.io/library/runlevel:0.1.0', pin: { file: 'runlevel.yaml', line: 1, col: 7 } },
  });
  assert.equal(
    images.map((i) => i.source),
    ['docker.io/library/nginx:1.27', 'docker.io/library/runlevel:0.1.0', 'quay.io/m/m:1'],
    'helm test Pods are not part of the platform',
  );
  const [nginx, core, migrate] = images;
  assert.is(nginx?.target, 'm.example.com/docker.io/library/nginx:1.27');
  assert.equal(nginx?.uses, [
    {
      runlevel: '90-apps',
      release: 'team-a-web',
      namespace: 'ns',
      object: 'Deployment/web',
      field: 'spec.template.spec.containers[name=app].image',
      values: { file: 'common/apps/web.yaml', line: 2, col: 15 },
      // charts/app's own template read: repository (registry included) and tag, each from its line.
      parts: [
        { part: 'registry', values: { file: 'common/apps/web.yaml', line: 2, col: 15 } },
        { part: 'repository', values: { file: 'common/apps/web.yaml', line: 2, col: 15 } },
        { part: 'tag', values: { file: 'clusters/dev/apps/web.yaml', line: 3, col: 8 } },
      ],
    },
  ]);
  assert.is(core?.core, true);
  assert.is(
    core?.target,
    'm.example.com/runlevel:0.1.0',
    'where bundle push puts it and the launcher pulls it',
  );
  assert.equal(core?.pin, { file: 'runlevel.yaml', line: 1, col: 7 });
  assert.is(migrate?.uses[0]?.hook, 'pre-upgrade');
  assert.is(migrate?.uses[0]?.chartDefault, 'charts/app/values.yaml:9');
});

test('provenance: the whole reference first, then repository, registry and tag parts', () => {
  assert.equal(
    imagePointers({ a: 'quay.io/x/y:1', b: { repository: 'quay.io/x/y', tag: 1 } }, 'quay.io/x/y:1'),
    ['/a', '/b/repository', '/b/tag'],
  );
  assert.equal(imagePointers({ i: { registry: 'quay.io', repository: 'x/y', tag: '1' } }, 'quay.io/x/y:1'), [
    '/i/repository',
    '/i/registry',
    '/i/tag',
  ]);
  assert.equal(
    imagePointers({ i: { repository: 'quay.io/x/y', tag: '2' } }, 'quay.io/x/y:1'),
    [],
    'another tag',
  );
  // Only the tag was set by the user: that is the line to change.
  const tagOnly: OriginMap = new Map([
    ['/apps/web/image/tag', origins.get('/apps/web/image/tag') as NonNullable<ReturnType<OriginMap['get']>>],
  ]);
  assert.equal(imageOrigin(web, 'docker.io/library/nginx:1.27', tagOnly), {
    values: { file: 'clusters/dev/apps/web.yaml', line: 3, col: 8 },
  });
});

test('a registry with a port keeps the values line (issue 18): by the template, and by the values alone', () => {
  const port = 'registry.corp.example:5000/team/web';
  const manifest = web.manifest.replace('docker.io/library/nginx:1.27', `${port}:1.0`);
  const { files, objects } = splitManifest(manifest, '90-apps/team-a-web', (_a, _k, ns) => ns ?? 'ns');
  const rel = { ...web, values: { image: { repository: port, tag: '1.0' } }, manifest, files, objects };
  const [use] = collectImages([rel], { origins }).find((i) => i.source === `${port}:1.0`)?.uses ?? [];
  assert.equal(use?.values, { file: 'common/apps/web.yaml', line: 2, col: 15 });
  assert.equal(
    use?.parts?.map((p) => [p.part, p.values?.line]),
    [
      ['registry', 2],
      ['repository', 2],
      ['tag', 3],
    ],
  );
  // A release whose template is not the chart's (no path to read) falls back to the values alone.
  assert.equal(imagePointers(rel.values, `${port}:1.0`), ['/image/repository', '/image/tag']);
  assert.equal(imageOrigin(rel, `${port}:1.0`, origins), {
    values: { file: 'common/apps/web.yaml', line: 2, col: 15 },
  });
  assert.equal(
    useLine({ ...(use as ImageUse) }).split(' ← ')[1],
    'registry common/apps/web.yaml:2:15, repository common/apps/web.yaml:2:15, tag clusters/dev/apps/web.yaml:3:8',
  );
});

test('--why finds an image by source or target, with or without registry or tag', () => {
  const images = collectImages([web], { mirror: 'm.example.com' });
  const found = (q: string) => findImages(images, q).map((i) => i.source);
  for (const q of [
    'nginx',
    'nginx:1.27',
    'library/nginx',
    'docker.io/library/nginx:1.27',
    'm.example.com/docker.io/library/nginx:1.27',
  ]) {
    assert.equal(found(q), ['docker.io/library/nginx:1.27'], q);
  }
  assert.equal(found('nginx:1.28'), []);
  assert.equal(found('m/m'), ['quay.io/m/m:1']);
  assert.is(closestImage(images, 'ngnix'), 'nginx');
});

test('what looks like an image: a registry host and a tag or digest, alone or after --flag=', () => {
  assert.is(looksLikeImage('quay.io/x/y:1.2'), 'quay.io/x/y:1.2');
  assert.is(looksLikeImage('--image=registry.example.com:5000/a/b:3'), 'registry.example.com:5000/a/b:3');
  assert.is(looksLikeImage(`ghcr.io/a/b@sha256:${'f'.repeat(64)}`), `ghcr.io/a/b@sha256:${'f'.repeat(64)}`);
  for (const no of [
    'nginx:1.27',
    'quay.io/x/y',
    'https://example.com/a:1',
    'kubernetes.io/pv-protection',
    'app.kubernetes.io/name',
    'a b',
  ]) {
    assert.is(looksLikeImage(no), undefined, no);
  }
});

test.run();
