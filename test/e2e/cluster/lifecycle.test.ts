// The foundation proof against real components: a local control plane of our own, a real
// helmfile sync of a runlevel, a Deployment that reaches Ready, and a clean stop by PID.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { coreRoot } from '../../../core/shared/paths.js';
import { findTool, toolEnv } from '../../../core/shared/tools.js';
import { runCli } from '../../helpers/cli.js';
import { fixture, removeFixture } from '../../helpers/fixture.js';
import { processesMentioning, waitDeploymentReady } from '../../helpers/kube.js';

let stateDir = '';
let kubeconfig = '';

test.before(async () => {
  stateDir = await fixture({}, 'runlevel-lifecycle-');
});

test.after(async () => {
  await runCli(['cluster', 'down', '--state-dir', stateDir, '--purge']);
  await removeFixture(stateDir);
});

test('cluster up starts a control plane with a Ready node and prints the kubeconfig', async () => {
  const r = await runCli(['cluster', 'up', '--state-dir', stateDir], { timeoutMs: 180_000 });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, `export KUBECONFIG=${join(stateDir, 'kubeconfig')}`);
  kubeconfig = join(stateDir, 'kubeconfig');
  const status = JSON.parse(
    (await runCli(['cluster', 'status', '--state-dir', stateDir, '-o', 'json'])).stdout,
  );
  assert.ok(status.ready, 'readyz answers');
  assert.ok(status.nodeReady, 'kwok node Ready');
  assert.equal(
    status.daemons.map((d: { name: string }) => d.name),
    ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok', 'gatekeeper'],
  );
});

test('a second cluster up reuses the running cluster instead of starting another', async () => {
  const before = JSON.parse(await readFile(join(stateDir, 'cluster.json'), 'utf8'));
  const processes = await processesMentioning(stateDir);
  const r = await runCli(['cluster', 'up', '--state-dir', stateDir]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, 'already running');
  const after = JSON.parse(await readFile(join(stateDir, 'cluster.json'), 'utf8'));
  assert.equal(after.daemons, before.daemons);
  // The same processes, none added (Gatekeeper's start-up wait may hold one kubectl child).
  assert.equal(
    (await processesMentioning(stateDir)).filter((p) => !processes.includes(p)),
    [],
  );
  for (const d of before.daemons) assert.ok(processes.includes(d.pid), `${d.name} is running`);
});

test('helmfile sync of runlevel 90 installs our chart; the release is listed and its Deployment turns Ready', async () => {
  const values = join(stateDir, 'state-values.yaml');
  await writeFile(
    values,
    [
      'teams:',
      '  demo: { apps: [web] }',
      'apps:',
      '  web:',
      '    enabled: true',
      '    image: { repository: docker.io/library/nginx, tag: "1.27.3" }',
      '    replicas: 2',
      '    port: 8080',
      '    resources: { requests: { cpu: 50m, memory: 64Mi }, limits: { cpu: 500m, memory: 256Mi } }',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const helmfile = findTool('helmfile');
  assert.ok(helmfile, 'helmfile is built by make tools');
  const env = { ...toolEnv(), KUBECONFIG: kubeconfig };
  const sync = await execa(
    helmfile ?? 'helmfile',
    [
      '-f',
      join(coreRoot, 'helmfile.d/90-apps.yaml.gotmpl'),
      '--state-values-file',
      values,
      'sync',
      '--skip-deps',
    ],
    { env, reject: false },
  );
  assert.is(sync.exitCode, 0, `${sync.stdout}\n${sync.stderr}`);

  const list = await execa(findTool('helm') ?? 'helm', ['list', '-A', '-o', 'json'], { env });
  const releases = JSON.parse(list.stdout) as { name: string; namespace: string; status: string }[];
  const web = releases.find((r) => r.name === 'demo-web');
  assert.ok(web, `release demo-web listed: ${list.stdout}`);
  assert.is(web?.namespace, 'team-demo');
  assert.is(web?.status, 'deployed');

  assert.is(await waitDeploymentReady(kubeconfig, 'team-demo', 'demo-web'), 2);
});

test('down after kill -9 of the API server stops every process it started', async () => {
  const state = JSON.parse(await readFile(join(stateDir, 'cluster.json'), 'utf8'));
  const apiserver = state.daemons.find((d: { name: string }) => d.name === 'kube-apiserver');
  process.kill(apiserver.pid, 'SIGKILL');
  const r = await runCli(['cluster', 'down', '--state-dir', stateDir]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, 'stopped');
  assert.equal(await processesMentioning(stateDir), []);
  const status = await runCli(['cluster', 'status', '--state-dir', stateDir]);
  assert.is(status.code, 1);
});

test('up after a crash leaves stale state starts a fresh cluster', async () => {
  const first = await runCli(['cluster', 'up', '--state-dir', stateDir], { timeoutMs: 180_000 });
  assert.is(first.code, 0, first.stderr);
  const state = JSON.parse(await readFile(join(stateDir, 'cluster.json'), 'utf8'));
  for (const d of state.daemons) process.kill(d.pid, 'SIGKILL'); // a crash: nothing cleaned up
  const again = await runCli(['cluster', 'up', '--state-dir', stateDir], { timeoutMs: 180_000 });
  assert.is(again.code, 0, again.stderr);
  assert.match(again.stderr, 'stale');
  // etcd kept its data: the release from before the crash is still there.
  const env = { ...toolEnv(), KUBECONFIG: kubeconfig };
  const list = await execa(findTool('helm') ?? 'helm', ['list', '-A', '-q'], { env });
  assert.match(list.stdout, 'demo-web');
});

test.run();
