// helm's post-renderer inside the engine's process boundary, on the real local cluster: installs
// and upgrades of several releases at once, each asking the core for its own image rewrite over
// the engine's channel; helm stores what render prints; a failing rewrite fails its release
// before helm writes anything, and the others go on.
import { CoreV1Api } from '@kubernetes/client-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type HelmEngine, startHelmEngine } from '../../../core/shared/helm-engine.js';
import { type ImageRewrite, rewriteManifest } from '../../../core/shared/images/rewrite.js';
import { isNotFound, loadKubeConfig } from '../../../core/shared/kube.js';
import { coreRoot } from '../../../core/shared/paths.js';

const kubeconfig = process.env.KUBECONFIG ?? '';
const namespace = 'e2e-engine-post-render';
const chartPath = 'test/fixtures/charts/hello-web';
const names = ['pr-a', 'pr-b', 'pr-c', 'pr-d'];
// The platform's policies on the shared cluster admit images of a few registries and no root
// container: each release's "mirror" is a path of its own under an admitted registry other than
// the image's own (a mirror on the image's registry leaves it as it is), and the chart's root init
// container and its second image are off.
const mirrorOf = (name: string) => `quay.io/mirror-${name}`;
const rewriteOf = (name: string): ImageRewrite => ({ mirror: mirrorOf(name), digests: {}, fields: [] });
const base = { initChown: { enabled: false }, cache: { enabled: false } };
let engine: HelmEngine;

/** What render prints for the release: the engine's template and the core's rewrite, in-process. */
async function rendered(name: string, values: Record<string, unknown>): Promise<string> {
  const r = await engine.template({
    name,
    namespace,
    chartDir: `${coreRoot}/${chartPath}`,
    values: { ...base, ...values },
  });
  if (!r.ok) throw new Error(r.stderr);
  return rewriteManifest(r.manifest, rewriteOf(name));
}

function upgrade(name: string, values: Record<string, unknown>, postRender: (m: string) => string) {
  return engine.upgrade({ name, namespace, chartPath, values: { ...base, ...values }, postRender }, 120_000);
}

test.before(() => {
  assert.ok(kubeconfig, 'the e2e tier sets KUBECONFIG to the shared local cluster');
  engine = startHelmEngine({ kubeconfig });
});

test.after(async () => {
  for (const name of [...names, 'pr-refused']) await engine.uninstall(name, namespace).catch(() => {});
  await engine.stop();
  const core = loadKubeConfig(kubeconfig).makeApiClient(CoreV1Api);
  await core.deleteNamespace({ name: namespace }).catch((err: unknown) => {
    if (!isNotFound(err)) throw err;
  });
});

test('four installs at once: each asks for its own rewrite; helm stores what render prints', async () => {
  const asked = new Map<string, number>();
  const revisions = await Promise.all(
    names.map((name) =>
      upgrade(name, {}, (m) => {
        asked.set(name, (asked.get(name) ?? 0) + 1);
        return rewriteManifest(m, rewriteOf(name));
      }),
    ),
  );
  assert.equal(revisions, [1, 1, 1, 1]);
  for (const name of names) {
    assert.is(asked.get(name), 1, `${name} asked once`);
    const stored = await engine.getManifest(name, namespace);
    assert.ok(stored?.includes(`${mirrorOf(name)}/ghcr.io/example/hello-web`), stored);
    assert.is(stored?.match(/quay\.io\/mirror-pr-.\//g)?.length, stored?.match(/image: /g)?.length);
    // helm template trims the manifest's end; helm's storage keeps it.
    assert.is(stored?.trimEnd(), (await rendered(name, {})).trimEnd(), 'stored == rendered');
  }
});

test('upgrades at once, one rewrite failing: that release fails with the message and keeps its revision', async () => {
  const values = { ui: { message: 'second' } };
  const results = await Promise.allSettled(
    names.map((name) =>
      upgrade(name, values, (m) => {
        if (name === 'pr-c') throw new Error('no digest in images.lock.yaml for ghcr.io/example/hello-web');
        return rewriteManifest(m, rewriteOf(name));
      }),
    ),
  );
  for (const [i, r] of results.entries()) {
    if (names[i] === 'pr-c') {
      assert.is(r.status, 'rejected');
      const msg = r.status === 'rejected' ? String((r.reason as Error).message) : '';
      assert.match(msg, 'helm upgrade pr-c failed');
      assert.match(msg, 'the post-render of release pr-c failed: no digest in images.lock.yaml');
    } else {
      assert.equal(r, { status: 'fulfilled', value: 2 });
    }
  }
  const listed = new Map((await engine.list()).map((r) => [r.name, r]));
  assert.equal(
    { revision: listed.get('pr-c')?.revision, status: listed.get('pr-c')?.status },
    { revision: 1, status: 'deployed' },
    'nothing was written for the failed release',
  );
  assert.is(
    (await engine.getManifest('pr-a', namespace))?.trimEnd(),
    (await rendered('pr-a', values)).trimEnd(),
  );
});

test('a first install whose rewrite fails leaves no release behind', async () => {
  const err = await upgrade('pr-refused', {}, () => {
    throw new Error('refused');
  }).then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  assert.match(err?.message ?? '', 'the post-render of release pr-refused failed: refused');
  assert.is(await engine.getManifest('pr-refused', namespace), undefined);
});

test.run();
