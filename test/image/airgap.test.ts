// The air-gapped path end to end, with real registries, the real image and the real cluster: a
// source registry stands in for the upstream ones (the platform's images, built small and real
// under the names the charts use), a bundle and its kit are made from it on this (connected)
// side; the far side is a directory with no checkout, a PATH of Docker and coreutils only (no Go,
// node, npm, crane or cosign) and an empty HOME: it checks the kit with the kit's cosign, loads
// the core image with docker load, pushes the bundle into an empty mirror from the image, and
// deploys the core pulled back from the mirror, verified offline. Every image the cluster then
// runs is in the mirror by digest, and every address contacted is listed.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { AppsV1Api, BatchV1Api, type KubeConfig } from '@kubernetes/client-node';
import { execa } from 'execa';
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
import { imageJson, tool, version } from './signed.js';

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

/** The far side: a directory with no checkout, a PATH of Docker and coreutils only, an empty HOME. */
interface FarSide {
  dir: string;
  env: Record<string, string>;
  values: string;
  kit: string;
  bundle: string;
}

const farTools = [
  'docker',
  'bash',
  'sh',
  'env',
  'strace',
  'tar',
  'awk',
  'sed',
  'grep',
  'sha256sum',
  'mktemp',
  'dirname',
  'basename',
  'readlink',
  'id',
  'rm',
  'cat',
  'head',
  'cut',
  'tr',
  'wc',
  'mkdir',
  'ls',
];

async function farSide(bundle: string, kit: string): Promise<FarSide> {
  const dir = join(scratch, 'far');
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  for (const t of farTools) symlinkSync((await execa('which', [t])).stdout.trim(), join(bin, t));
  const home = join(dir, 'home');
  // What crossed the gap: the bundle, its kit, the values repo (with cosign.pub) and the user's age key.
  await execa('cp', ['-a', bundle, kit, dir]);
  const values = join(dir, basename(repo.dir));
  await execa('cp', ['-a', repo.dir, values]);
  const keys = join(home, '.config/runlevel/age');
  mkdirSync(keys, { recursive: true });
  copyFileSync(
    join(homedir(), '.config/runlevel/age', `${basename(repo.dir)}.key`),
    join(keys, `${basename(repo.dir)}.key`),
  );
  mkdirSync(join(dir, 'tmp'));
  const env = {
    PATH: bin,
    HOME: home,
    TMPDIR: join(dir, 'tmp'),
    DOCKER_HOST: process.env.DOCKER_HOST ?? '',
    KUBECONFIG: hostKubeconfig,
    NO_COLOR: '1',
    RUNLEVEL_LOG_FORMAT: 'plain',
  };
  return { dir, env, values, kit: join(dir, basename(kit)), bundle: join(dir, basename(bundle)) };
}

const far = (side: FarSide, argv: string[], cwd = side.dir, env: Record<string, string> = {}) =>
  execa(argv[0] as string, argv.slice(1), {
    cwd,
    env: { ...side.env, ...env },
    extendEnv: false,
    reject: false,
    timeout: 600_000,
  });

test('bundle + kit → far side with Docker alone: verified, loaded, pushed from the image into an empty mirror, deployed from it; every image the cluster runs is in the mirror by digest', async () => {
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

  // 2. Connected side: one signed file of every image, the core image included, and beside it
  //    the kit; the lock pins every digest.
  const bundle = join(scratch, 'dev.bundle.tar');
  const key = imageJson().publicKey.replace(/\.pub$/, '.key');
  const created = await cli(['bundle', 'create', '--cluster', 'dev', '--key', key, '--out', bundle]);
  assert.is(created.code, 0, created.stderr);
  const kit = join(scratch, 'dev.bundle.kit');
  const cosignSha = createHash('sha256')
    .update(readFileSync(tool('cosign')))
    .digest('hex');
  assert.match(created.stderr, `check it there with cosign, whose sha256 is ${cosignSha}`);

  // 3. The far side: nothing of this checkout, no Go, node, npm, crane or cosign on PATH.
  const side = await farSide(bundle, kit);
  for (const t of ['go', 'node', 'npm', 'crane', 'cosign', 'runlevel']) {
    assert.is.not(
      (await far(side, ['bash', '-c', `command -v ${t}`])).exitCode,
      0,
      `${t} is not on the far side's PATH`,
    );
  }
  const run = (argv: string[], cwd?: string, env?: Record<string, string>) => far(side, argv, cwd, env);
  // The documented checks (docs/airgap.md, step 4): cosign's sha256, then SHA256SUMS with the
  // values repo's key, then every file of the kit.
  const sum = await run(['sha256sum', join(side.kit, 'cosign')]);
  assert.is(String(sum.stdout).split(' ')[0], cosignSha, "the kit's cosign is the pinned build");
  const sums = await run(
    [
      join(side.kit, 'cosign'),
      'verify-blob',
      '--key',
      join(side.values, 'cosign.pub'),
      '--signature',
      join(side.kit, 'SHA256SUMS.sig'),
      '--insecure-ignore-tlog=true',
      join(side.kit, 'SHA256SUMS'),
    ],
    side.dir,
    { SIGSTORE_CT_LOG_PUBLIC_KEY_FILE: '/dev/null' },
  );
  assert.is(sums.exitCode, 0, String(sums.stderr));
  const checked = await run(['sha256sum', '--check', '--quiet', 'SHA256SUMS'], side.kit);
  assert.is(checked.exitCode, 0, String(checked.stdout) + String(checked.stderr));

  // 4. The core image into Docker from the kit, offline (the one built here removed first).
  coreDigest = imageJson().digest;
  // Every name of it untagged: the image goes with its last name unless a build FROM it still
  // holds its layers, and either way nothing names it until the kit's tar is loaded.
  const names = String((await docker(['image', 'inspect', image, '--format', '{{json .RepoTags}}'])).stdout);
  for (const name of JSON.parse(names) as string[]) {
    const untagged = await docker(['rmi', name]);
    assert.is(untagged.exitCode, 0, String(untagged.stderr));
  }
  assert.is.not((await docker(['image', 'inspect', image])).exitCode, 0, `${image} is still there`);
  const loaded = await run(['docker', 'load', '--input', join(side.kit, `runlevel-${version}.image.tar`)]);
  assert.is(loaded.exitCode, 0, String(loaded.stderr));
  const loadedId = String((await docker(['image', 'inspect', image, '--format', '{{.Id}}'])).stdout).trim();
  assert.is(loadedId, imageJson().configDigest, 'docker load gives the very image that was signed');

  // 5. Push from the image, through the kit's launcher: verified locally before it runs.
  assert.equal(await mirror.catalog(), []);
  const launcherOfKit = join(side.kit, 'runlevel-docker');
  const pushed = await run([launcherOfKit, 'bundle', 'push', side.bundle, '--to', mirror.host], side.values);
  assert.is(pushed.exitCode, 0, String(pushed.stderr));
  assert.match(String(pushed.stderr), `✔ runlevel-docker: ${image} verified offline with`);
  assert.is(
    await mirror.manifestDigest('runlevel', version),
    coreDigest,
    'the core image under its pinned tag',
  );

  // 6. The launcher verifies the mirror's core offline and deploys from the container; every
  //    connect of the launcher (and cosign, docker's client) and of the container's processes is traced.
  const containers = await traceConnects(await engineContainerd(process.env.DOCKER_HOST ?? ''));
  let launcher: Awaited<ReturnType<typeof recordConnects>>;
  let inContainer: Connect[] = [];
  try {
    launcher = await recordConnects([launcherOfKit, 'deploy', '--cluster', 'dev'], {
      cwd: side.values,
      env: { ...side.env, RUNLEVEL_IMAGE_REPOSITORY: `${mirror.host}/runlevel` },
      timeoutMs: 600_000,
    });
  } finally {
    inContainer = await containers.stop();
  }
  deployed = true;
  assert.is(launcher.code, 0, launcher.stderr);
  assert.match(launcher.stderr, `verified offline with`);
  assert.match(launcher.stderr, `(${coreDigest})`);

  // 7. Every image of every workload: from the mirror, pinned by digest, there by that digest.
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

  // 8. The addresses: the container reached the API server only; the launcher the mirror only.
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
