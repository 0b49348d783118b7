// The registry-mirror rewrite with the real helm: a test chart with images in containers, a
// declared args flag and custom resource field, a hook Job and an undeclared ConfigMap string.
// Render rewrites in-process exactly what helm's post-renderer does on the same manifest, whether
// helm's CLI runs the rewrite as its --post-renderer program or the helm engine asks the core for
// it (what deploy does); hooks stay as they are; check refuses what the rewrite cannot reach.
import { join } from 'node:path';
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAllDocuments } from 'yaml';
import { checkRendered, renderInMemory } from '../../../core/check/index.js';
import { collectImages } from '../../../core/images/collect.js';
import { imageCheckContext } from '../../../core/images/index.js';
import { type RenderResult, renderPlatform } from '../../../core/render/index.js';
import { startHelmEngine } from '../../../core/shared/helm-engine.js';
import { declaredImageFields } from '../../../core/shared/images/fields.js';
import { rewriteManifest } from '../../../core/shared/images/rewrite.js';
import { findTool } from '../../../core/shared/tools.js';
import { fixture, removeFixture } from '../../helpers/fixture.js';
import { postRenderProgram } from '../../helpers/post-render-program.js';
import { resolvedValues } from '../../helpers/resolved-values.js';
import { helmValuesInput } from '../../helpers/spawn-helm.js';
import { testCharts, upstreamRunlevel } from '../../helpers/upstream-runlevel.js';

const mirror = 'mirror.example.com:5000/platform';
const nginxDigest = `sha256:${'b'.repeat(64)}`;
const lock = { 'docker.io/library/nginx:1.27': nginxDigest };
const values = resolvedValues({ platform: { registry: { mirror } } });

async function render(opts: { rewriteImages?: boolean } = {}): Promise<RenderResult> {
  const dir = await fixture({
    'helmfile.d/50-upstream.yaml.gotmpl': upstreamRunlevel('50-upstream', [
      { name: 'mi', chart: 'mirror-images' },
    ]),
  });
  try {
    return await renderPlatform({
      values,
      helmfileDir: join(dir, 'helmfile.d'),
      imageLock: lock,
      ...opts,
    });
  } finally {
    await removeFixture(dir);
  }
}

// biome-ignore lint/suspicious/noExplicitAny: tests reach into rendered objects of any shape
type Obj = Record<string, any>;

function objects(manifest: string): Obj[] {
  return parseAllDocuments(manifest).map((d) => d.toJS() as Obj);
}

function find(manifest: string, kind: string): Obj {
  const o = objects(manifest).find((x) => x?.kind === kind);
  if (!o) throw new Error(`no ${kind}`);
  return o;
}

test('render rewrites containers, declared args and custom resources; hooks and undeclared strings stay', async () => {
  const result = await render();
  const [rel] = result.releases;
  assert.ok(rel);
  const m = rel.manifest;
  const deployment = find(m, 'Deployment').spec.template.spec;
  const nginx = `${mirror}/docker.io/library/nginx:1.27@${nginxDigest}`;
  assert.is(deployment.containers[0].image, nginx, 'plain scalar, tag kept, the lock’s digest added');
  assert.is(deployment.initContainers[0].image, nginx, 'single-quoted scalar');
  assert.equal(deployment.containers[0].args, [
    '--port=8080',
    `--reloader-image=${mirror}/quay.io/example/reloader:v1.0`,
  ]);
  assert.is(find(m, 'Scanner').spec.image, `${mirror}/ghcr.io/example/scanner:2.1`);
  assert.is(
    find(m, 'Job').spec.template.spec.containers[0].image,
    'quay.io/example/migrate:3.0',
    'a hook is left as helm leaves it',
  );
  assert.is(find(m, 'ConfigMap').data.sidecar, 'registry.example.com/tools/sidecar:1.5');
  // Everything but the image scalars is kept: comments, quoting style, order.
  assert.match(m, `          image: '${nginx}'\n`);
  assert.match(m, '        # the main container: its image is written plain');
  assert.match(m, '# Source: mirror-images/templates/scanner.yaml\n');
  assert.ok(rel.imageRewrite, 'the rewrite is carried for deploy');
  assert.equal(rel.imageRewrite?.fields, declaredImageFields(join(testCharts, 'mirror-images')));
});

test('helm’s CLI --post-renderer and the engine’s post-render give the very manifest render made', async () => {
  const result = await render();
  const rel = result.releases[0];
  assert.ok(rel?.imageRewrite);
  const rw = rel.imageRewrite;
  const helm = findTool('helm');
  assert.ok(helm, 'helm is built (make tools)');
  const post = postRenderProgram(rw);
  const chartDir = join(testCharts, 'mirror-images');
  const r = await execa(
    helm,
    ['template', rel.name, chartDir, '--namespace', rel.namespace, '--values', '-', ...post.args],
    { input: helmValuesInput(rel.values), env: post.env },
  );
  assert.fixture(String(r.stdout), rel.manifest.replace(/\n$/, ''));
  // helm did run it: the Deployment is mirrored, and the hook it printed after is not.
  assert.match(String(r.stdout), `${mirror}/quay.io/example/reloader:v1.0`);
  assert.match(String(r.stdout), 'image: quay.io/example/migrate:3.0');
  // The deploy's way: the engine's helm hands the manifest to the core's function over its channel.
  const engine = startHelmEngine();
  try {
    const seen: string[] = [];
    const e = await engine.template({
      name: rel.name,
      namespace: rel.namespace,
      chartDir,
      values: rel.values,
      postRender: (m) => {
        seen.push(m);
        return rewriteManifest(m, rw);
      },
    });
    assert.ok(e.ok, e.ok ? '' : e.stderr);
    if (e.ok) assert.fixture(e.manifest, rel.manifest);
    assert.is(seen.length, 1);
    assert.not.match(seen[0] ?? '', 'migrate', 'helm keeps the hook from its post-renderer');
  } finally {
    await engine.stop();
  }
});

test('check refuses the hook image and the undeclared image, with object, field and values line', async () => {
  const result = await render();
  const report = await checkRendered({
    render: renderInMemory(result),
    values,
    images: imageCheckContext(result.releases, undefined, lock),
  });
  const ours = report.findings.filter((f) => f.rule.startsWith('images/'));
  assert.equal(
    ours.map((f) => [f.rule, `${f.object.kind}/${f.object.name}`]),
    [
      ['images/outside-mirror', 'ConfigMap/mi-settings'],
      ['images/hook-outside-mirror', 'Job/mi-migrate'],
    ],
  );
  const hook = ours.find((f) => f.rule === 'images/hook-outside-mirror');
  assert.match(hook?.message ?? '', 'helm never passes hooks to its post-renderer');
  assert.match(hook?.hint ?? '', `set the image in values to ${mirror}/quay.io/example/migrate:3.0`);
  assert.match(hook?.hint ?? '', 'test/fixtures/charts/mirror-images/values.yaml:');
  const loose = ours.find((f) => f.rule === 'images/outside-mirror');
  assert.match(loose?.message ?? '', '"registry.example.com/tools/sidecar:1.5" at data.sidecar');
  assert.match(loose?.hint ?? '', 'runlevel.dev/image-fields');
  assert.not.ok(
    report.findings.some((f) => f.message.includes('https://example.com')),
    'a URL is not an image',
  );
});

test('images lists each use: declared fields, args flags, the hook, chart defaults', async () => {
  const result = await render({ rewriteImages: false });
  const images = collectImages(result.releases, {
    mirror,
    digests: lock,
    fieldsOf: () => declaredImageFields(join(testCharts, 'mirror-images')),
  });
  assert.equal(
    images.map((i) => [i.source, i.target]),
    [
      ['docker.io/library/nginx:1.27', `${mirror}/docker.io/library/nginx:1.27@${nginxDigest}`],
      ['ghcr.io/example/scanner:2.1', `${mirror}/ghcr.io/example/scanner:2.1`],
      ['quay.io/example/migrate:3.0', `${mirror}/quay.io/example/migrate:3.0`],
      ['quay.io/example/reloader:v1.0', `${mirror}/quay.io/example/reloader:v1.0`],
    ],
  );
  const nginx = images[0];
  assert.equal(
    nginx?.uses.map((u) => u.field),
    ['spec.template.spec.containers[name=web].image', 'spec.template.spec.initContainers[name=setup].image'],
  );
  assert.is(images[1]?.uses[0]?.field, 'spec.image');
  assert.is(images[2]?.uses[0]?.hook, 'pre-install,pre-upgrade');
  assert.is(images[3]?.uses[0]?.field, 'spec.template.spec.containers[name=web].args[1]');
});

test.run();
