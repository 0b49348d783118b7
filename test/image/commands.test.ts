// The user's commands through `docker run` of the image against the shared local cluster:
// read-only, as 65532, no writable mount but `template --out`'s, the values repo, kubeconfig and
// age key mounted read-only. validate → values → template → check → deploy → no-op deploy → diff →
// status → task → destroy, then `docker stop` in the middle of a deploy.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadKubeConfig } from '../../core/shared/kube.js';
import { runCli } from '../helpers/cli.js';
import { removeFixture } from '../helpers/fixture.js';
import { assertGoldenFile } from '../helpers/golden.js';
import { deployLeaseExists, helmReleasesByName } from '../helpers/kube.js';
import { initValuesRepo, type ValuesRepo } from '../helpers/values-repo.js';
import {
  docker,
  dockerArgs,
  dockerRun,
  image,
  type RunOptions,
  readableCopies,
  writableDir,
} from './docker.js';

const hostKubeconfig = process.env.KUBECONFIG ?? '';
let repo: ValuesRepo;
let copies: Awaited<ReturnType<typeof readableCopies>>;
let user: RunOptions;
let deployedReleases: string[] = [];

const inImage = (args: string[], extra: RunOptions = {}) =>
  dockerRun(args, {
    ...user,
    ...extra,
    mounts: { ...user.mounts, ...extra.mounts },
    env: { ...user.env, ...extra.env },
  });

async function lastRecord(): Promise<{ outcome: string; coreVersion: string }> {
  const cm = await loadKubeConfig(hostKubeconfig)
    .makeApiClient(CoreV1Api)
    .readNamespacedConfigMap({ name: 'runlevel-state', namespace: 'runlevel-system' });
  return JSON.parse(cm.data?.['deploys.json'] ?? '[]')[0];
}

test.before(async () => {
  assert.ok(image && hostKubeconfig, 'the image tier sets RUNLEVEL_TEST_IMAGE and KUBECONFIG');
  repo = await initValuesRepo('dev');
  copies = await readableCopies(repo.dir, hostKubeconfig);
  user = {
    mounts: {
      [copies.values]: '/values',
      [copies.kubeconfig]: '/kube/config',
      [copies.ageKey]: '/kube/age.key',
    },
    env: { RUNLEVEL_CLUSTER: 'dev', RUNLEVEL_AGE_KEY_FILE: '/kube/age.key' },
  };
});

test.after(async () => {
  await repo?.remove();
  if (copies) await removeFixture(copies.dir);
});

test('validate and values read the mounted repo; the age key may come from a variable instead of a file', async () => {
  const v = await inImage(['validate']);
  assert.is(v.code, 0, v.stderr);
  assert.match(v.stderr, /dev: values valid/);
  const key = readFileSync(copies.ageKey, 'utf8');
  const values = await dockerRun(['values', '-o', 'json'], {
    mounts: { [copies.values]: '/values' },
    env: { RUNLEVEL_CLUSTER: 'dev', SOPS_AGE_KEY: key },
  });
  assert.is(values.code, 0, values.stderr);
  assert.is(JSON.parse(values.stdout).cluster.name, 'dev');
});

test('errors inside the container name the values repo paths the user knows, never /values', async () => {
  const file = join(copies.values, 'common/apps/hello.yaml');
  const before = readFileSync(file, 'utf8');
  writeFileSync(file, `${before}replicas: two\n`);
  try {
    const r = await inImage(['validate']);
    assert.is(r.code, 2, r.stderr);
    assert.match(r.stderr, /^common\/apps\/hello\.yaml:\d+:\d+ /m);
    assert.not.match(r.stderr, '/values/');
    assert.not.match(r.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace');
  } finally {
    writeFileSync(file, before);
  }
});

test('template to stdout, and to --out on the one writable mount', async () => {
  const r = await inImage(['template']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^kind: Deployment$/m);
  // All of it: the same stream as the host's render of the same repo.
  const host = await runCli(['template', '--cluster', 'dev', '--values', repo.dir]);
  assert.is(host.code, 0, host.stderr);
  assert.is(r.stdout.length, host.stdout.length);
  assert.ok(r.stdout === host.stdout, 'the container renders what the host renders');
  // The render is written beside its target first and renamed into place: the mount is its parent.
  const { dir, out } = await writableDir();
  try {
    const w = await inImage(['template', '--out', '/out/rendered'], {
      mounts: { [out]: '/out' },
      writable: ['/out'],
    });
    assert.is(w.code, 0, w.stderr);
    const runlevels = readdirSync(join(out, 'rendered'))
      .filter((f) => f !== 'index.json')
      .sort();
    assert.ok(runlevels.length >= 5, runlevels.join(' '));
    assert.is(w.stdout, '');
  } finally {
    await removeFixture(dir);
  }
});

test('check passes the rendered platform through the schemas and policies', async () => {
  const r = await inImage(['check']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /\d+ objects checked/);
});

test('deploy installs the platform; a second deploy changes nothing', async () => {
  const first = await inImage(['deploy']);
  assert.is(first.code, 0, first.stderr);
  const helm = await helmReleasesByName(hostKubeconfig);
  deployedReleases = [...helm.keys()];
  for (const name of ['platform-init', 'team-demo', 'demo-hello'])
    assert.is(helm.get(name)?.status, 'deployed', name);
  const record = await lastRecord();
  assert.is(record.outcome, 'succeeded');
  assert.is(record.coreVersion, image.split(':')[1]);

  const again = await inImage(['deploy']);
  assert.is(again.code, 0, again.stderr);
  assert.match(again.stderr, /total [\d.]+s: \d+ unchanged$/m);
  const after = await helmReleasesByName(hostKubeconfig);
  for (const [name, rel] of helm) assert.is(after.get(name)?.revision, rel.revision, name);
});

test('diff finds nothing to change and status reports every release in sync (JSON on stdout)', async () => {
  const d = await inImage(['diff']);
  assert.is(d.code, 0, d.stderr);
  const s = await inImage(['status', '-o', 'json']);
  assert.is(s.code, 0, s.stderr);
  assert.is(JSON.parse(s.stdout).inSync, true);
});

test('-o json: the events on stderr are JSON lines, the data on stdout one JSON document', async () => {
  const r = await inImage(['deploy', '--dry-run', '-o', 'json'], { env: { RUNLEVEL_LOG_FORMAT: 'auto' } });
  assert.is(r.code, 0, r.stderr);
  const events = r.stderr
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { kind: string });
  assert.ok(events.length > 0 && events.every((e) => typeof e.kind === 'string'), r.stderr);
  // Past the 128 KiB a non-blocking pipe takes at once: all of it arrives before the exit.
  assert.ok(r.stdout.length > 128 * 1024, `${r.stdout.length} bytes`);
  assert.is(JSON.parse(r.stdout).changes, 0);
});

test('task lists the tasks and runs one against the cluster', async () => {
  const list = await inImage(['task', '--list']);
  assert.is(list.code, 0, list.stderr);
  assert.match(list.stdout, /copy-platform-ca/);
  const r = await inImage(['task', 'copy-platform-ca']);
  assert.is(r.code, 0, r.stderr);
});

test('destroy --yes uninstalls every release the deploy installed', async () => {
  const r = await inImage(['destroy', '--yes']);
  assert.is(r.code, 0, r.stderr);
  const now = await helmReleasesByName(hostKubeconfig);
  const left = deployedReleases.filter((name) => now.has(name));
  assert.ok(deployedReleases.length > 5);
  assert.equal(left, [], `left: ${left.join(' ')}`);
});

test('docker stop in the middle of a deploy: the release in flight finishes, the lock is released, exit 143', async () => {
  const name = `runlevel-test-${process.pid}`;
  const child = execa('docker', dockerArgs(['deploy'], { ...user, name }), { reject: false });
  let stderr = '';
  await new Promise<void>((resolve) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (/► runlevel 20-ingress/.test(stderr)) resolve();
    });
  });
  const stop = await docker(['stop', '--time', '120', name], 150_000);
  assert.is(stop.exitCode, 0, String(stop.stderr));
  const r = await child;
  assert.is(r.exitCode, 143, stderr);
  assert.match(stderr, 'SIGTERM received');
  assert.not.match(stderr, '► runlevel 90-apps');
  for (const [release, rel] of await helmReleasesByName(hostKubeconfig))
    assert.is(rel.status, 'deployed', `${release} left ${rel.status}`);
  assert.not.ok(await deployLeaseExists(hostKubeconfig), 'lock released');
  assert.is((await lastRecord()).outcome, 'interrupted');
});

test('a deploy by an older core than the last recorded one is refused (exit 7) unless --allow-downgrade', async () => {
  const api = loadKubeConfig(hostKubeconfig).makeApiClient(CoreV1Api);
  const cm = await api.readNamespacedConfigMap({ name: 'runlevel-state', namespace: 'runlevel-system' });
  const deploys = JSON.parse(cm.data?.['deploys.json'] ?? '[]') as { coreVersion: string }[];
  assert.ok(deploys[0], 'the interrupted deploy left a record');
  deploys[0].coreVersion = '9.9.9'; // as if a newer core had deployed last
  await api.replaceNamespacedConfigMap({
    name: 'runlevel-state',
    namespace: 'runlevel-system',
    body: { ...cm, data: { ...cm.data, 'deploys.json': JSON.stringify(deploys) } },
  });
  const refused = await inImage(['deploy']);
  assert.is(refused.code, 7, refused.stderr);
  assert.is(refused.stdout, '');
  const core = image.split(':')[1] ?? '';
  // The image as the golden names it, whatever tag this run built (a helper's own, say).
  const golden = [
    `$ docker run runlevel:${core} deploy`,
    `exit ${refused.code}`,
    '--- stderr',
    refused.stderr,
  ]
    .join('\n')
    .replace(/\(\d{4}-\d\d-\d\dT[\d:.]+Z, values [\w-]+\)/, '(<time>, values <commit>)')
    .replaceAll(core, '<core>');
  assertGoldenFile('pin', 'downgrade', `${golden.trimEnd()}\n`);

  const allowed = await inImage(['deploy', '--allow-downgrade']);
  assert.is(allowed.code, 0, allowed.stderr);
  assert.is((await lastRecord()).coreVersion, core);
});

test.run();
