// An added chart's failure paths against the real helm, without a cluster: its values.schema.json
// errors point at the values file, values for no release are named, a disabled release is not
// rendered, an edited vendored chart stops check, and a wrong RUNLEVEL_CORE_ROOT is refused.
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { coreRoot } from '../../../core/shared/paths.js';
import { findTool, toolEnv } from '../../../core/shared/tools.js';
import { runCli } from '../../helpers/cli.js';
import { docFile, readDocSteps } from '../../helpers/doc-steps.js';
import { initValuesRepo, type ValuesRepo } from '../../helpers/values-repo.js';

const doc = readDocSteps(join(coreRoot, 'docs/charts.md'));
let scratch: string;
let core: string;
let repo: ValuesRepo;

const cli = (args: string[]) =>
  runCli(args, { cwd: scratch, env: { RUNLEVEL_VALUES_DIR: repo.dir, RUNLEVEL_CORE_ROOT: core } });

test.before(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'runlevel-added-chart-'));
  core = join(scratch, 'core');
  await mkdir(core);
  for (const dir of ['charts', 'helmfile.d', 'schemas', 'policies', 'values-template']) {
    await cp(join(coreRoot, dir), join(core, dir), { recursive: true, verbatimSymlinks: true });
  }
  await execa(
    findTool('helm') ?? 'helm',
    ['package', join(coreRoot, 'test/fixtures/charts/hello-web'), '-d', scratch],
    {
      env: toolEnv(),
    },
  );
  const vendored = await runCli(
    [
      'charts',
      'vendor',
      'hello-web-1.0.0.tgz',
      '--source',
      'https://charts.example.test/hello-web',
      '--charts-dir',
      join(core, 'charts'),
    ],
    { cwd: scratch },
  );
  assert.is(vendored.code, 0, vendored.stderr);
  await writeFile(
    join(core, 'helmfile.d/50-hello-web.yaml.gotmpl'),
    docFile(doc, 'helmfile.d/50-hello-web.yaml.gotmpl'),
  );
  repo = await initValuesRepo('dev');
  await mkdir(join(repo.dir, 'common/charts'), { recursive: true });
  await writeFile(
    join(repo.dir, 'common/charts/hello-web.yaml'),
    docFile(doc, 'common/charts/hello-web.yaml'),
  );
});

test.after(async () => {
  await repo?.remove();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

test("a value the chart's own values.schema.json refuses fails the render at the values file and line", async () => {
  const file = join(repo.dir, 'common/charts/hello-web.yaml');
  const good = await readFile(file, 'utf8');
  await writeFile(file, good.replace('replicaCount: 2', 'replicaCount: two'));
  try {
    const r = await cli(['template', '--cluster', 'dev']);
    assert.is(r.code, 3, r.stderr);
    assert.match(r.stderr, 'release hello-web (runlevel 50-hello-web, chart hello-web)');
    assert.match(
      r.stderr,
      'common/charts/hello-web.yaml:2:15  charts.hello-web.replicaCount: got string, want integer (chart value /replicaCount)',
    );
    assert.match(r.stderr, '> 2 | replicaCount: two');
  } finally {
    await writeFile(file, good);
  }
});

test('values under charts: for no release are named, with the release meant', async () => {
  await writeFile(join(repo.dir, 'common/charts/helo-web.yaml'), 'replicaCount: 3\n');
  try {
    const r = await cli(['template', '--cluster', 'dev']);
    assert.is(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      '⚠ charts.helo-web: no release of that name was rendered, so nothing reads these values; did you mean "hello-web"?',
    );
  } finally {
    await rm(join(repo.dir, 'common/charts/helo-web.yaml'));
  }
});

test('charts.<release>: null in a cluster layer leaves the release out there', async () => {
  await writeFile(join(repo.dir, 'clusters/dev/settings.yaml'), 'charts:\n  hello-web: null\n', {
    flag: 'a',
  });
  try {
    const r = await cli(['template', '--cluster', 'dev', '-o', 'json']);
    assert.is(r.code, 0, r.stderr);
    const names = (JSON.parse(r.stdout) as { releases: { name: string }[] }).releases.map((x) => x.name);
    assert.not.ok(names.includes('hello-web'), names.join(', '));
    assert.ok(names.includes('ingress'));
  } finally {
    const settings = join(repo.dir, 'clusters/dev/settings.yaml');
    await writeFile(settings, (await readFile(settings, 'utf8')).replace('charts:\n  hello-web: null\n', ''));
  }
});

test('an edited vendored chart stops check with exit 4, naming the file; restored, check goes on', async () => {
  const file = join(core, 'charts/hello-web/charts/cache/values.yaml');
  const good = await readFile(file, 'utf8');
  await writeFile(file, good.replace('tag: 7.2.4', 'tag: latest'));
  try {
    const r = await cli(['check', '--cluster', 'dev']);
    assert.is(r.code, 4, r.stderr);
    assert.match(
      r.stderr,
      'charts/hello-web/charts/cache/values.yaml: changed since hello-web 1.0.0 (vendored from https://charts.example.test/hello-web)',
    );
  } finally {
    await writeFile(file, good);
  }
  const r = await cli(['check', '--cluster', 'dev']);
  assert.not.match(r.stderr, 'differs from its record');
  assert.match(r.stdout, 'run-as-non-root', 'check ran: the init container still needs its exception');
});

test('RUNLEVEL_CORE_ROOT that is not a core is refused at start-up', async () => {
  const r = await runCli(['validate'], { cwd: scratch, env: { RUNLEVEL_CORE_ROOT: scratch } });
  assert.is(r.code, 2);
  assert.match(r.stderr, `RUNLEVEL_CORE_ROOT=${scratch} is not a copy of the core: it has no helmfile.d/`);
});

test.run();
