// The registry-mirror rewrite on the real local cluster: render and deploy agree. Deploy without
// a mirror, set one (and pin a digest in images.lock.yaml): diff shows the image change; deploy
// (the helm engine's post-renderer asks the core for the rewrite); then diff finds nothing to change,
// and the live Deployment runs the mirrored image, as helm stored it.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppsV1Api } from '@kubernetes/client-node';
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatImageLock } from '../../../core/shared/images/lock.js';
import { loadKubeConfig } from '../../../core/shared/kube.js';
import { findTool, toolEnv } from '../../../core/shared/tools.js';
import { runCli } from '../../helpers/cli.js';
import { initValuesRepo, type ValuesRepo } from '../../helpers/values-repo.js';

const kubeconfig = process.env.KUBECONFIG ?? '';
const mirror = 'mirror.example.com:5000/platform';
const source = 'docker.io/nginxinc/nginx-unprivileged:1.27-alpine';
const digest = `sha256:${'1'.repeat(64)}`;
const mirrored = `${mirror}/${source}@${digest}`;
let repo: ValuesRepo;

const common = () => ['--cluster', repo.cluster, '--values', repo.dir, '--kubeconfig', kubeconfig];
const deploy = () => runCli(['deploy', ...common()], { timeoutMs: 300_000 });
const diff = (...args: string[]) => runCli(['diff', ...common(), ...args]);

async function liveImage(): Promise<string | undefined> {
  const apps = loadKubeConfig(kubeconfig).makeApiClient(AppsV1Api);
  const d = await apps.readNamespacedDeployment({ name: 'demo-hello', namespace: 'team-demo' });
  return d.spec?.template.spec?.containers.find((c) => c.name === 'app')?.image;
}

test.before(async () => {
  assert.ok(kubeconfig, 'the e2e tier sets KUBECONFIG to the shared local cluster');
  repo = await initValuesRepo('dev');
  const r = await deploy();
  assert.is(r.code, 0, r.stderr);
  assert.is(await liveImage(), source);
});

test.after(async () => {
  await repo?.remove();
});

test('setting a mirror: diff shows the image change, nothing else of the app', async () => {
  await repo.edit('environments/dev/settings.yaml', (doc) => {
    doc.platform ??= {};
    doc.platform.registry = { mirror };
  });
  await writeFile(join(repo.dir, 'images.lock.yaml'), formatImageLock({ [source]: digest }));
  const r = await diff('--detailed-exitcode');
  assert.is(r.code, 2, `${r.stdout}\n${r.stderr}`);
  const lines = r.stdout.split('\n');
  assert.ok(
    lines.some((l) => /^ +-\s+image: /.test(l) && l.includes(source) && !l.includes(mirror)),
    r.stdout,
  );
  assert.ok(
    lines.some((l) => /^ +\+\s+image: /.test(l) && l.includes(mirrored)),
    r.stdout,
  );
});

test('deploy with the mirror: the live Deployment runs the mirrored image, as helm stored it', async () => {
  const r = await deploy();
  assert.is(r.code, 0, r.stderr);
  assert.is(await liveImage(), mirrored);
  const helm = await execa(
    findTool('helm') ?? 'helm',
    ['get', 'manifest', 'demo-hello', '--namespace', 'team-demo', '--kubeconfig', kubeconfig],
    { env: toolEnv() },
  );
  assert.match(helm.stdout, `image: "${mirrored}"`, 'helm’s post-renderer rewrote what it stored');
  assert.not.match(helm.stdout, `"${source}"`);
});

test('render == deploy: right after the mirrored deploy, diff finds nothing to change', async () => {
  const r = await diff('--detailed-exitcode');
  assert.is(r.code, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /^no changes: \d+ releases match what is deployed$/m);
});

test('images shows source → mirrored target with the lock’s digest', async () => {
  const r = await runCli(['images', '--cluster', repo.cluster, '--values', repo.dir, '-o', 'json']);
  assert.is(r.code, 0, r.stderr);
  const images = JSON.parse(r.stdout) as { source: string; target: string; digest?: string }[];
  const app = images.find((i) => i.source === source);
  assert.equal(app && { target: app.target, digest: app.digest }, { target: mirrored, digest });
});

test.run();
