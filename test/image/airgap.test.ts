// The air-gapped path end to end, with real registries, the real image and the real cluster: a
// source registry stands in for the upstream ones (the platform's images, built small and real
// under the names the charts use), a bundle is made from it, pushed into an empty mirror, the
// local core image is removed and pulled back from the mirror by the pinned tag, its signature
// verified offline, and the deploy runs in the container with the mirror rewrite. Every image the
// cluster then runs is in the mirror by digest, and every address contacted is listed.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AppsV1Api, BatchV1Api, type KubeConfig } from '@kubernetes/client-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { PlatformImage } from '../../core/images/types.js';
import { mirrorRef } from '../../core/shared/images/mirror.js';
import { parseImageRef } from '../../core/shared/images/reference.js';
import { loadKubeConfig } from '../../core/shared/kube.js';
import { coreRoot } from '../../core/shared/paths.js';
import { buildImage, layerTar } from '../helpers/bundle-images.js';
import { cleanEnv, runCli } from '../helpers/cli.js';
import { type Connect, engineContainerd, recordConnects, traceConnects } from '../helpers/connects.js';
import { fixture, removeFixture } from '../helpers/fixture.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { initValuesRepo, type ValuesRepo } from '../helpers/values-repo.js';
import { docker, image } from './docker.js';
import { imageJson, version } from './signed.js';

const hostKubeconfig = process.env.KUBECONFIG ?? '';
let repo: ValuesRepo;
let scratch: string;
let source: TestRegistry;
let mirror: TestRegistry;
let coreDigest = '';
let deployed = false;

const cli = (args: string[], env: Record<string, string> = {}) =>
  runCli(args, { cwd: repo.dir, env: { COSIGN_PASSWORD: '', ...env }, timeoutMs: 600_000 });

/** The API server the kubeconfig names, as host:port. */
function apiServer(kc: KubeConfig): string {
  const url = new URL(kc.getCurrentCluster()?.server ?? '');
  return `${url.hostname}:${url.port || 443}`;
}

/** Every container image of every workload in the cluster's namespaces. */
async function clusterImages(kc: KubeConfig): Promise<string[]> {
  const apps = kc.makeApiClient(AppsV1Api);
  const batch = kc.makeApiClient(BatchV1Api);
  type Spec = { containers?: { image?: string }[]; initContainers?: { image?: string }[] } | undefined;
  const specs: Spec[] = [
    ...(await apps.listDeploymentForAllNamespaces()).items.map((d) => d.spec?.template.spec),
    ...(await apps.listStatefulSetForAllNamespaces()).items.map((d) => d.spec?.template.spec),
    ...(await apps.listDaemonSetForAllNamespaces()).items.map((d) => d.spec?.template.spec),
    ...(await batch.listJobForAllNamespaces()).items.map((j) => j.spec?.template.spec),
    ...(await batch.listCronJobForAllNamespaces()).items.map((j) => j.spec?.jobTemplate.spec?.template.spec),
  ];
  const images = specs.flatMap((s) => [...(s?.containers ?? []), ...(s?.initContainers ?? [])]);
  return [...new Set(images.map((c) => c.image ?? ''))].sort();
}

const show = (label: string, connects: Connect[]) =>
  console.log(`    ${label}: ${connects.map((c) => `${c.family} ${c.address}`).join(', ') || 'none'}`);

test.before(async () => {
  assert.ok(image && hostKubeconfig, 'the image tier sets RUNLEVEL_TEST_IMAGE and KUBECONFIG');
  repo = await initValuesRepo('dev');
  scratch = await fixture({}, 'runlevel-airgap-');
  [source, mirror] = await Promise.all([startRegistry('source'), startRegistry('mirror')]);
  // The platform's images come from the source registry under the charts' own names; the cluster
  // pulls only from the mirror. The public key make image signed with is the values repo's trust.
  const from = (ref: string) => `${source.host}/${parseImageRef(ref)?.repository}`;
  await repo.edit('clusters/dev/settings.yaml', (doc) => {
    doc.platform = {
      ...doc.platform,
      registry: { mirror: mirror.host },
      ingress: { image: { repository: from('registry.k8s.io/ingress-nginx/controller') } },
      sso: {
        keycloak: { image: { repository: from('quay.io/keycloak/keycloak') } },
        authProxy: { image: { repository: from('quay.io/oauth2-proxy/oauth2-proxy') } },
      },
    };
  });
  await repo.edit('common/apps/hello.yaml', (doc) => {
    doc.image.repository = from('docker.io/nginxinc/nginx-unprivileged');
  });
  copyFileSync(imageJson().publicKey, join(repo.dir, 'cosign.pub'));
});

test.after(async () => {
  if (deployed) {
    await runCli(['destroy', '--cluster', 'dev', '--yes', '--purge'], { cwd: repo.dir, timeoutMs: 300_000 });
  }
  // The core image under its own tag again, whatever happened above (later tests run it).
  if ((await docker(['image', 'inspect', image])).exitCode !== 0 && coreDigest) {
    await docker(['pull', `${mirror.host}/runlevel@${coreDigest}`]);
    await docker(['tag', `${mirror.host}/runlevel@${coreDigest}`, image]);
  }
  await Promise.all([source?.stop(), mirror?.stop()]);
  await repo?.remove();
  if (scratch) await removeFixture(scratch);
});

test('bundle → empty mirror → core image from the mirror, verified offline → deploy in the container: every image the cluster runs is in the mirror by digest', async () => {
  // 1. The source registry holds a small real image under every name the platform renders.
  const listed = await cli(['images', '--cluster', 'dev', '-o', 'json']);
  assert.is(listed.code, 0, listed.stderr);
  const listedImages = JSON.parse(listed.stdout) as PlatformImage[];
  const platform = listedImages.filter((i) => !i.core);
  const core = listedImages.find((i) => i.core);
  assert.is(
    core?.target,
    `${mirror.host}/runlevel:${version}`,
    'images names where the mirror holds the core',
  );
  assert.ok(platform.length >= 4, `the platform's images: ${platform.map((i) => i.source).join(', ')}`);
  mkdirSync(join(scratch, 'layers'));
  const shared = await layerTar(join(scratch, 'layers'), 'shared', 256 * 1024);
  for (const [n, img] of platform.entries()) {
    assert.ok(img.source.startsWith(`${source.host}/`), `${img.source} comes from the source registry`);
    assert.is(img.target, mirrorRef(img.source, mirror.host), 'images shows where the mirror holds it');
    await buildImage(img.source, [shared, await layerTar(join(scratch, 'layers'), `own-${n}`, 64 * 1024)]);
  }

  // 2. One signed file of every image, the core image included; the lock pins every digest.
  const bundle = join(scratch, 'dev.bundle.tar');
  const key = imageJson().publicKey.replace(/\.pub$/, '.key');
  const created = await cli(['bundle', 'create', '--cluster', 'dev', '--key', key, '--out', bundle]);
  assert.is(created.code, 0, created.stderr);

  // 3. Into an empty mirror, verified with the values repo's cosign.pub before a byte is sent.
  assert.equal(await mirror.catalog(), []);
  const pushed = await cli(['bundle', 'push', bundle, '--to', mirror.host]);
  assert.is(pushed.code, 0, pushed.stderr);
  coreDigest = imageJson().digest;
  assert.is(
    await mirror.manifestDigest('runlevel', version),
    coreDigest,
    'the core image under its pinned tag',
  );

  // 4. The local core image gone, pulled back from the mirror by the pinned tag.
  const id = String((await docker(['image', 'inspect', image, '--format', '{{.Id}}'])).stdout).trim();
  assert.is((await docker(['rmi', '--force', id])).exitCode, 0);
  assert.is((await docker(['image', 'inspect', id])).exitCode, 1, 'the local core image is gone');
  const pull = await docker(['pull', `${mirror.host}/runlevel:${version}`]);
  assert.is(pull.exitCode, 0, String(pull.stderr));

  // 5. The launcher verifies the signature offline and deploys from the container; every connect
  //    of the launcher (and cosign, docker's client) and of the container's processes is traced.
  const containers = await traceConnects(await engineContainerd(process.env.DOCKER_HOST ?? ''));
  let launcher: Awaited<ReturnType<typeof recordConnects>>;
  let inContainer: Connect[] = [];
  try {
    launcher = await recordConnects([join(coreRoot, 'bin/runlevel-docker'), 'deploy', '--cluster', 'dev'], {
      cwd: repo.dir,
      env: {
        ...cleanEnv(),
        NO_COLOR: '1',
        RUNLEVEL_LOG_FORMAT: 'plain',
        RUNLEVEL_IMAGE_REPOSITORY: `${mirror.host}/runlevel`,
      },
      timeoutMs: 600_000,
    });
  } finally {
    inContainer = await containers.stop();
  }
  deployed = true;
  assert.is(launcher.code, 0, launcher.stderr);
  assert.match(launcher.stderr, `verified offline with`);
  assert.match(launcher.stderr, `(${coreDigest})`);

  // 6. Every image of every workload: from the mirror, pinned by digest, there by that digest.
  const kc = loadKubeConfig(hostKubeconfig);
  const running = await clusterImages(kc);
  assert.ok(running.length >= platform.length, running.join(', '));
  for (const ref of running) {
    const parsed = parseImageRef(ref);
    assert.is(parsed?.registry, mirror.host, `${ref} comes from the mirror`);
    assert.ok(parsed?.digest, `${ref} is pinned by digest (images.lock.yaml)`);
    assert.is(
      await mirror.manifestDigest(parsed.repository, parsed.digest),
      parsed.digest,
      `${ref} is in the mirror`,
    );
  }

  // 7. The addresses: the container reached the API server only; the launcher the mirror only.
  const api = apiServer(kc);
  show('the deploy container contacted', inContainer);
  show('the launcher, cosign and the docker client contacted', launcher.connects);
  assert.equal(
    inContainer.filter((c) => c.family !== 'unix').map((c) => c.address),
    [api],
    'the container reached nothing but the API server',
  );
  assert.equal(
    launcher.connects.filter((c) => c.family !== 'unix').map((c) => c.address),
    [mirror.host],
    'the launcher reached nothing but the mirror',
  );
});

test('on the host too: validate, template and check contact nothing; diff only the API server', async () => {
  assert.ok(deployed, 'the deploy of the previous test');
  const kc = loadKubeConfig(hostKubeconfig);
  for (const args of [['validate'], ['template'], ['check'], ['diff']]) {
    const r = await recordConnects([join(coreRoot, 'bin/runlevel'), ...args, '--cluster', 'dev'], {
      cwd: repo.dir,
      env: { ...cleanEnv(), NO_COLOR: '1', KUBECONFIG: hostKubeconfig },
    });
    assert.is(r.code, 0, `${args[0]}: ${r.stderr}`);
    const inet = r.connects.filter((c) => c.family !== 'unix').map((c) => c.address);
    show(`runlevel ${args[0]} contacted`, r.connects);
    assert.equal(inet, args[0] === 'diff' ? [apiServer(kc)] : [], `${args[0]} contacts ${inet.join(', ')}`);
  }
});

test.run();
