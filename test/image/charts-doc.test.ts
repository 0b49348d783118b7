// docs/charts.md's Dockerfile, built FROM the real image: a platform repo with hello-web vendored
// builds, and the same repo with one vendored file edited fails the build at the `charts verify`
// RUN line (exit 4), naming the file. The Dockerfile and the other files come from the document.
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { coreRoot } from '../../core/shared/paths.js';
import { findTool, toolEnv } from '../../core/shared/tools.js';
import { cleanEnv, runCli } from '../helpers/cli.js';
import { docFile, dockerfileRun, readDocSteps } from '../helpers/doc-steps.js';
import { fixture, removeFixture } from '../helpers/fixture.js';
import { docker, image } from './docker.js';

const doc = readDocSteps(join(coreRoot, 'docs/charts.md'));
const source = 'https://charts.example.test/hello-web';
const tag = 'runlevel-platform-test:charts-doc';
let scratch = '';
let platform = '';

/** `docker build` of the platform repo as the document's Dockerfile says, FROM the image under test. */
async function build(): Promise<{ code: number; output: string }> {
  // The legacy builder, as scripts/image.sh builds: Debian's engine has BuildKit only through buildx.
  // --force-rm: the builds meant to fail leave no stopped container holding an image FROM the one
  // under test (a child image blocks the air-gap test's removal of it in the next run).
  const r = await execa(
    'docker',
    ['build', '--network', 'host', '--no-cache', '--force-rm', '-t', tag, platform],
    {
      env: { ...cleanEnv(), DOCKER_BUILDKIT: '0' },
      reject: false,
      timeout: 600_000,
    },
  );
  return { code: r.exitCode ?? -1, output: `${String(r.stdout)}\n${String(r.stderr)}` };
}

test.before(async () => {
  assert.ok(image, 'the image tier sets RUNLEVEL_TEST_IMAGE');
  scratch = await fixture({}, 'runlevel-charts-doc-');
  platform = join(scratch, 'platform');
  await mkdir(platform);
  // Step 1 and 2: the chart as `helm pull` gives it, vendored with its record.
  const chart = join(scratch, 'src', 'hello-web');
  await cp(join(coreRoot, 'test/fixtures/charts/hello-web'), chart, { recursive: true });
  await execa(findTool('helm') ?? 'helm', ['package', chart, '-d', scratch], { env: toolEnv() });
  const vendor = await runCli(
    ['charts', 'vendor', join(scratch, 'hello-web-1.0.0.tgz'), '--source', source],
    { cwd: platform },
  );
  assert.is(vendor.code, 0, vendor.stderr);
  for (const file of ['helmfile.d/50-hello-web.yaml.gotmpl', 'schemas/charts/hello-web.schema.json']) {
    await mkdir(dirname(join(platform, file)), { recursive: true });
    await writeFile(join(platform, file), docFile(doc, file));
  }
  const dockerfile = docFile(doc, 'Dockerfile');
  assert.match(dockerfile, /^FROM \S+\n/);
  await writeFile(join(platform, 'Dockerfile'), dockerfile.replace(/^FROM \S+/, `FROM ${image}`));
});

test.after(async () => {
  await docker(['image', 'rm', '-f', tag]);
  // The failed builds' last layers, untagged: removing them removes their untagged parents too.
  await docker(['image', 'prune', '--force']);
  if (scratch) await removeFixture(scratch);
});

test('the documented Dockerfile builds, its RUN line verifying the vendored chart in the image', async () => {
  assert.equal(dockerfileRun(docFile(doc, 'Dockerfile')), [
    'charts',
    'verify',
    '--charts-dir',
    '/opt/runlevel/charts',
  ]);
  const r = await build();
  assert.is(r.code, 0, r.output);
  assert.match(r.output, `hello-web 1.0.0 matches its record (${source})`);
  // The built image knows the chart: its own verify, run the way users run the image.
  const inside = await docker([
    'run',
    '--rm',
    '--read-only',
    tag,
    'charts',
    'verify',
    '--charts-dir',
    '/opt/runlevel/charts',
  ]);
  assert.is(inside.exitCode, 0, String(inside.stderr));
});

test('a vendored file edited in the platform repo fails the image build with exit 4, naming the file', async () => {
  const file = join(platform, 'charts/hello-web/templates/service.yaml');
  const text = await readFile(file, 'utf8');
  await writeFile(file, text.replace('type: {{ .Values.service.type }}', 'type: NodePort'));
  try {
    const r = await build();
    assert.is.not(r.code, 0, r.output);
    assert.match(r.output, '1 of 1 vendored charts differ from their records');
    assert.match(r.output, 'templates/service.yaml');
    assert.match(r.output, /returned a non-zero code: 4/);
  } finally {
    await writeFile(file, text);
  }
});

test('the RUN line without --charts-dir stops the build (the image works in /values): never a silent pass', async () => {
  const file = join(platform, 'Dockerfile');
  const text = await readFile(file, 'utf8');
  await writeFile(file, text.replace(', "--charts-dir", "/opt/runlevel/charts"', ''));
  try {
    const r = await build();
    assert.match(r.output, 'no charts directory at charts (--charts-dir)');
    assert.match(r.output, /returned a non-zero code: 2/);
  } finally {
    await writeFile(file, text);
  }
});

test.run();
