// docs/charts.md, followed step by step on the embedded cluster: a platform team vendors a chart it
// did not write (test/fixtures/charts/hello-web, packaged as `helm pull` would give it), adds it
// to a runlevel, gives it values and an exception, and validates, renders, checks and deploys it;
// then updates it to a new version, shown by `diff` and deployed, and removes it. The commands
// and files are taken from the document itself, so the document and the engine cannot drift.
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { AppsV1Api } from '@kubernetes/client-node';
import { execa } from 'execa';
import { simpleGit } from 'simple-git';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { loadKubeConfig } from '../../../core/shared/kube.js';
import { coreRoot } from '../../../core/shared/paths.js';
import { findTool, toolEnv } from '../../../core/shared/tools.js';
import { runCli } from '../../helpers/cli.js';
import { docFile, dockerfileRun, readDocSteps } from '../../helpers/doc-steps.js';
import { helmReleasesByName } from '../../helpers/kube.js';
import { initValuesRepo, type ValuesRepo } from '../../helpers/values-repo.js';

const kubeconfig = process.env.KUBECONFIG ?? '';
const doc = readDocSteps(join(coreRoot, 'docs/charts.md'));
const source = 'https://charts.example.test/hello-web';

let scratch: string; // downloads/, platform/ (the platform repo), core-*/ (what the image holds)
let platform: string;
let core: string;
let repo: ValuesRepo;

/** A runlevel command line of the document, run as it says, on the core with the platform repo in it. */
function run(line: string, extra: string[] = []) {
  return runCli([...doc.runlevel(line), ...extra], {
    cwd: scratch,
    env: { RUNLEVEL_VALUES_DIR: repo.dir, RUNLEVEL_CORE_ROOT: core },
    timeoutMs: 300_000,
  });
}

/** Step 2 in the platform repo, with the runlevel image's own core (no RUNLEVEL_CORE_ROOT). */
function vendor(line: string) {
  return runCli(doc.runlevel(line), { cwd: platform });
}

/** What `helm pull` leaves in the current directory: the chart packaged, here from our test chart. */
async function download(version: string): Promise<string> {
  const pull = `helm pull hello-web --repo ${source} --version ${version}`;
  assert.ok(doc.commands.includes(pull), `docs/charts.md shows: ${pull}`);
  const chart = join(scratch, `src-${version}`, 'hello-web');
  await cp(join(coreRoot, 'test/fixtures/charts/hello-web'), chart, { recursive: true });
  if (version !== '1.0.0') {
    // The new upstream version: a new appVersion (so a new image tag) and a file it did not have.
    const file = join(chart, 'Chart.yaml');
    const text = await readFile(file, 'utf8');
    await writeFile(
      file,
      text
        .replace('version: 1.0.0', `version: ${version}`)
        .replace('appVersion: "1.0.0"', `appVersion: "${version}"`),
    );
    await writeFile(join(chart, 'templates/NOTES.txt'), 'hello-web {{ .Chart.AppVersion }} is up.\n');
  }
  await execa(findTool('helm') ?? 'helm', ['package', chart, '-d', platform], { env: toolEnv() });
  return `hello-web-${version}.tgz`;
}

/** Step 7 without an image: a fresh copy of the core with the platform repo copied over it. */
async function assembleCore(): Promise<void> {
  const dockerfile = docFile(doc, 'Dockerfile');
  for (const dir of ['charts', 'helmfile.d', 'schemas']) {
    assert.match(dockerfile, `COPY ${dir}/ /opt/runlevel/${dir}/`);
  }
  core = await mkdtemp(join(scratch, 'core-'));
  const lines = doc.commands.filter((l) => l.startsWith('cp -r '));
  assert.is(lines.length, 2, 'docs/charts.md copies the core, then the platform repo over it');
  for (const line of lines) {
    await execa('sh', ['-c', line], {
      cwd: platform,
      env: { ...process.env, RUNLEVEL_CHECKOUT: coreRoot, core },
    });
  }
}

async function writeFromDoc(dir: string, file: string, as = file): Promise<void> {
  await mkdir(dirname(join(dir, as)), { recursive: true });
  await writeFile(join(dir, as), docFile(doc, file));
}

async function deployment(name: string) {
  const apps = loadKubeConfig(kubeconfig).makeApiClient(AppsV1Api);
  return apps.readNamespacedDeployment({ name, namespace: 'hello' });
}

test.before(async () => {
  assert.ok(kubeconfig, 'the e2e tier sets KUBECONFIG to the shared local cluster');
  scratch = await mkdtemp(join(tmpdir(), 'runlevel-add-chart-'));
  platform = join(scratch, 'platform');
  await mkdir(platform);
  await simpleGit(platform).init().addConfig('user.email', 'test@example.com').addConfig('user.name', 'test');
  repo = await initValuesRepo('dev');
});

test.after(async () => {
  // The e2e tier shares one cluster: leave it as found, for the files that deploy after this one.
  if (repo && core) {
    const r = await runCli(['destroy', '--yes', '--purge', '--kubeconfig', kubeconfig], {
      env: { RUNLEVEL_VALUES_DIR: repo.dir, RUNLEVEL_CORE_ROOT: core, RUNLEVEL_CLUSTER: repo.cluster },
      timeoutMs: 300_000,
    });
    assert.is(r.code, 0, r.stderr);
  }
  await repo?.remove();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

test('steps 1-4: vendor the chart with its record, write its runlevel file and its values schema', async () => {
  const tgz = await download('1.0.0');
  const r = await vendor(`runlevel charts vendor ${tgz} --source ${source}`);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, 'charts/hello-web: hello-web 1.0.0, 10 files');
  assert.match(r.stderr, 'sub-charts: cache 0.3.0');
  const record = parse(await readFile(join(platform, 'charts/hello-web.vendor.yaml'), 'utf8'));
  assert.is(record.version, '1.0.0');
  assert.is(record.source, source);
  assert.equal(record.subcharts[0].repository, 'https://charts.example.test/cache');
  await writeFromDoc(platform, 'helmfile.d/50-hello-web.yaml.gotmpl');
  await writeFromDoc(platform, 'schemas/charts/hello-web.schema.json');
  await rm(join(platform, tgz)); // the record keeps its digest; the archive is not committed
  const git = simpleGit(platform);
  await git.add('.').commit('add hello-web 1.0.0');
  assert.ok((await git.status()).isClean());
});

test('step 5: values in the values repo validate, layered, with their origin', async () => {
  await writeFromDoc(repo.dir, 'common/charts/hello-web.yaml');
  await writeFromDoc(repo.dir, 'clusters/dev/charts/hello-web.yaml');
  await assembleCore();
  // The image build's RUN step, as the Dockerfile writes it, run where an image build runs it: in
  // the image's working directory (/values, here the values repo), with /opt/runlevel the core.
  const verifyArgs = dockerfileRun(docFile(doc, 'Dockerfile')).map((a) => a.replace('/opt/runlevel', core));
  const verify = await runCli(verifyArgs, { cwd: repo.dir });
  assert.is(verify.code, 0, verify.stderr);
  assert.match(verify.stderr, `hello-web 1.0.0 matches its record (${source})`);
  // Without the directory it names, verify finds nothing there: a failure, never a pass.
  const bare = await runCli(['charts', 'verify'], { cwd: repo.dir });
  assert.is(bare.code, 2, bare.stderr);
  assert.match(bare.stderr, 'no charts directory at charts (--charts-dir)');
  const v = await run('runlevel validate --cluster dev');
  assert.is(v.code, 0, v.stderr);
  const origin = await runCli(['values', '--cluster', 'dev', '--show-origin'], {
    env: { RUNLEVEL_VALUES_DIR: repo.dir, RUNLEVEL_CORE_ROOT: core },
  });
  assert.match(origin.stdout, /^ {4}replicaCount: 1 {2}# clusters\/dev\/charts\/hello-web\.yaml:2:15$/m);
  assert.match(
    origin.stdout,
    /^ {6}message: hello from the platform {2}# common\/charts\/hello-web\.yaml:4:12$/m,
  );
});

test('step 5: a misspelt key fails validate at its file:line with a did-you-mean (the fragment)', async () => {
  const file = join(repo.dir, 'clusters/dev/charts/hello-web.yaml');
  const good = await readFile(file, 'utf8');
  await writeFile(file, good.replace('replicaCount: 1', 'replicaCont: 1'));
  try {
    const r = await run('runlevel validate --cluster dev');
    assert.is(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      'clusters/dev/charts/hello-web.yaml:2:1  charts.hello-web.replicaCont: unknown key "replicaCont"',
    );
    assert.match(r.stderr, 'did you mean "replicaCount"?');
  } finally {
    await writeFile(file, good);
  }
});

test('step 7: template renders the added runlevel from the values', async () => {
  const r = await run('runlevel template --cluster dev --out rendered');
  assert.is(r.code, 0, r.stderr);
  const manifest = await readFile(join(scratch, 'rendered/50-hello-web/hello-web/deployment.yaml'), 'utf8');
  assert.match(manifest, /^ {2}replicas: 1$/m);
  assert.match(manifest, 'value: "hello from the platform"');
  assert.match(manifest, 'image: "ghcr.io/example/hello-web:1.0.0"');
  const cache = await readFile(
    join(scratch, 'rendered/50-hello-web/hello-web/charts/cache/templates/deployment.yaml'),
    'utf8',
  );
  assert.match(cache, 'name: hello-web-cache');
});

test('step 6: check names the exception to grant; granted in values, check passes', async () => {
  const before = await run('runlevel check --cluster dev');
  assert.is(before.code, 4, before.stderr);
  assert.match(
    before.stdout,
    'platform.policies.run-as-non-root.exceptions.objects: [{kind: Deployment, name: hello-web, namespace: hello, container: fix-permissions, reason: …}]',
  );
  const grant = parse(docFile(doc, 'common/settings.yaml'));
  // The block is the part of init's file that changes: one platform key, init's policies kept.
  const written = parse(await readFile(join(repo.dir, 'common/settings.yaml'), 'utf8'));
  for (const key of Object.keys(written.platform.policies)) {
    assert.ok(key in grant.platform.policies, `the document's policies keep init's ${key}`);
  }
  await repo.edit('common/settings.yaml', (settings) => {
    settings.platform.policies = { ...settings.platform.policies, ...grant.platform.policies };
  });
  const after = await run('runlevel check --cluster dev');
  assert.is(after.code, 0, `${after.stdout}\n${after.stderr}`);
  assert.match(after.stdout, 'upstream init container chowns /data as root');
});

test('step 7: deploy installs it on the cluster, ready, with the values of every layer', async () => {
  const r = await run('runlevel deploy --cluster dev');
  assert.is(r.code, 0, r.stderr);
  assert.is((await helmReleasesByName(kubeconfig)).get('hello-web')?.revision, 1);
  const web = await deployment('hello-web');
  assert.is(web.spec?.replicas, 1);
  assert.is(web.status?.readyReplicas, 1, 'the readiness gate waited for it');
  const env = web.spec?.template.spec?.containers[0]?.env ?? [];
  assert.is(env.find((e) => e.name === 'UI_MESSAGE')?.value, 'hello from the platform');
  assert.is((await deployment('hello-web-cache')).status?.readyReplicas, 1);
});

test('an edit of the vendored chart stops check and deploy, naming the file', async () => {
  const file = join(core, 'charts/hello-web/templates/service.yaml');
  const text = await readFile(file, 'utf8');
  await writeFile(file, text.replace('type: {{ .Values.service.type }}', 'type: NodePort'));
  try {
    const r = await run('runlevel deploy --cluster dev');
    assert.is(r.code, 4, r.stderr);
    assert.match(r.stderr, 'vendored chart hello-web differs from its record');
    assert.match(
      r.stderr,
      `charts/hello-web/templates/service.yaml: changed since hello-web 1.0.0 (vendored from ${source})`,
    );
    assert.is((await helmReleasesByName(kubeconfig)).get('hello-web')?.revision, 1, 'nothing was deployed');
  } finally {
    await writeFile(file, text);
  }
});

test('step 8: a new version is one reviewed diff; diff shows its effect; deploy rolls it out', async () => {
  const tgz = await download('1.1.0');
  const r = await vendor(`runlevel charts vendor ${tgz} --source ${source}`);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, 'hello-web 1.0.0 → 1.1.0: 1 changed, 1 added, 0 removed files');
  await rm(join(platform, tgz));
  const git = simpleGit(platform);
  const changed = (await git.status()).files.map((f) => f.path).sort();
  assert.equal(changed, [
    'charts/hello-web.vendor.yaml',
    'charts/hello-web/Chart.yaml',
    'charts/hello-web/templates/NOTES.txt',
  ]);
  const recordDiff = await git.diff(['charts/hello-web.vendor.yaml']);
  assert.match(recordDiff, /^-version: 1\.0\.0$/m);
  assert.match(recordDiff, /^\+version: 1\.1\.0$/m);
  assert.match(recordDiff, /^\+ {2}templates\/NOTES\.txt: [0-9a-f]{64}$/m);
  await git.add('.').commit('update hello-web to 1.1.0');

  await assembleCore();
  const diff = await run('runlevel diff --cluster dev', ['--detailed-exitcode']);
  assert.is(diff.code, 2, diff.stderr);
  assert.match(diff.stdout, /^ {2}~ hello-web \(hello\): upgrade/m, diff.stdout);
  // The chart leaves metadata.namespace to helm, as many upstream charts do: the release line names it.
  assert.match(diff.stdout, /^ {6}~ Deployment\/(hello\/)?hello-web$/m, diff.stdout);
  assert.match(diff.stdout, /^ {8}- .*image: "?ghcr\.io\/example\/hello-web:1\.0\.0"?$/m, diff.stdout);
  assert.match(diff.stdout, /^ {8}\+ .*image: "?ghcr\.io\/example\/hello-web:1\.1\.0"?$/m, diff.stdout);
  assert.match(diff.stdout, /^ {8}\+ .*helm\.sh\/chart: hello-web-1\.1\.0$/m, diff.stdout);

  const d = await run('runlevel deploy --cluster dev');
  assert.is(d.code, 0, d.stderr);
  assert.is((await helmReleasesByName(kubeconfig)).get('hello-web')?.revision, 2);
  const web = await deployment('hello-web');
  assert.is(web.spec?.template.spec?.containers[0]?.image, 'ghcr.io/example/hello-web:1.1.0');
});

test('removing it: without charts.hello-web in the values, the next deploy prunes the release', async () => {
  await rm(join(repo.dir, 'common/charts/hello-web.yaml'));
  await rm(join(repo.dir, 'clusters/dev/charts/hello-web.yaml'));
  const r = await run('runlevel deploy --cluster dev');
  assert.is(r.code, 0, r.stderr);
  assert.not.ok((await helmReleasesByName(kubeconfig)).has('hello-web'));
});

test.run();
