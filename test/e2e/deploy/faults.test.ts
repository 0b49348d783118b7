// Deploy faults against a real local cluster of this file's own (it stops the API server):
// a runlevel that never becomes ready, a task that fails, a lost API server, a SIGINT.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { clusterDown, clusterUp } from '../../../core/cluster/index.js';
import { loadKubeConfig } from '../../../core/shared/kube.js';
import { deployArgs, recordsOf, runDeploy, setNodeTaint, startDeploy } from '../../helpers/deploy-child.js';
import { fixture, removeFixture } from '../../helpers/fixture.js';
import { deployLeaseExists, helmReleasesByName } from '../../helpers/kube.js';
import { initValuesRepo, type ValuesRepo } from '../../helpers/values-repo.js';

let stateDir = '';
let kubeconfig = '';
let repo: ValuesRepo;

const target = () => ({ cluster: 'dev', values: repo.dir, kubeconfig });
const deploy = (...extra: string[]) => runDeploy(target(), ...extra);

/** A deploy as a child process we can signal, and a promise that its stderr showed `marker`. */
function startDeployUntil(marker: RegExp, ...extra: string[]) {
  const run = startDeploy(deployArgs(target(), ...extra));
  return { ...run, seen: run.saw(marker) };
}

const helmRevisions = () => helmReleasesByName(kubeconfig);

type Recorded = {
  id: string;
  outcome: string;
  failure?: { runlevel?: string; release?: string; step: string; message: string };
};
const allRecords = () => recordsOf<Recorded>(kubeconfig);
const lastRecord = async () => (await allRecords())[0] as Recorded;

test.before(async () => {
  stateDir = await fixture({}, 'runlevel-faults-');
  kubeconfig = (await clusterUp({ stateDir })).kubeconfig;
  repo = await initValuesRepo('dev');
  const first = await deploy();
  assert.is(first.code, 0, first.stderr);
});

test.after(async () => {
  await clusterDown({ stateDir, purge: true });
  await removeFixture(stateDir);
  await repo?.remove();
});

test('a runlevel that never becomes ready is rolled back, later runlevels are untouched, exit 5', async () => {
  const before = await helmRevisions();
  await setNodeTaint(kubeconfig, true); // new Pods cannot be scheduled anywhere
  try {
    await repo.edit('common/settings.yaml', (s) => {
      s.platform.ingress.className = 'nginx-internal'; // new controller Pods in 20-ingress; new Ingress classes in 90
    });
    const r = await deploy('--timeout', '8s');
    assert.is(r.code, 5, r.stderr);
    assert.match(
      r.stderr,
      /deploy failed at 20-ingress \/ ingress \(readiness\): not ready in 8s: Deployment ingress-system\/\S+: /,
    );
    assert.match(r.stderr, /ingress rolled-back/);
    const after = await helmRevisions();
    assert.is(after.get('ingress')?.status, 'deployed');
    assert.is(
      after.get('ingress')?.revision,
      (before.get('ingress')?.revision ?? 0) + 2,
      'upgrade, then rollback',
    );
    for (const name of ['sso', 'team-demo', 'demo-hello'])
      assert.equal(after.get(name), before.get(name), `${name} untouched`);
    const record = await lastRecord();
    assert.is(record.outcome, 'failed');
    assert.is(record.failure?.runlevel, '20-ingress');
    assert.is(record.failure?.release, 'ingress');
    assert.not.ok(await deployLeaseExists(kubeconfig), 'lock released');
  } finally {
    await setNodeTaint(kubeconfig, false);
  }
  const fixed = await deploy();
  assert.is(fixed.code, 0, fixed.stderr);
});

test('a task that fails stops the deploy at its runlevel with the task error', async () => {
  const core = loadKubeConfig(kubeconfig).makeApiClient(CoreV1Api);
  // A platform CA ConfigMap without its certificate: copy-platform-ca (after 60-teams) must fail.
  await core.createNamespacedConfigMap({
    namespace: 'runlevel-system',
    body: { metadata: { name: 'platform-ca' }, data: { wrong: 'x' } },
  });
  try {
    const before = await helmRevisions();
    const r = await deploy('--force');
    assert.is(r.code, 5, r.stderr);
    assert.match(r.stderr, /deploy failed at 60-teams \(task copy-platform-ca\)/);
    assert.match(r.stderr, 'ca.crt');
    const after = await helmRevisions();
    assert.equal(after.get('demo-hello'), before.get('demo-hello'), 'runlevel 90 not touched');
    assert.is((await lastRecord()).failure?.step, 'task copy-platform-ca');
  } finally {
    await core.deleteNamespacedConfigMap({ name: 'platform-ca', namespace: 'runlevel-system' });
  }
});

test('SIGINT during a deploy: the release in flight finishes, nothing new starts, lock released, exit 130', async () => {
  const run = startDeployUntil(/► runlevel 20-ingress/, '--force');
  await run.seen;
  run.child.kill('SIGINT');
  const r = await run.child;
  assert.is(r.exitCode, 130, run.stderr());
  assert.match(run.stderr(), 'SIGINT received');
  assert.not.match(run.stderr(), '► runlevel 90-apps');
  for (const [name, rel] of await helmRevisions())
    assert.is(rel.status, 'deployed', `${name} left ${rel.status}`);
  assert.not.ok(await deployLeaseExists(kubeconfig), 'lock released');
  assert.is((await lastRecord()).outcome, 'interrupted');
});

test('the API server stops mid-deploy: bounded retries, exit 5; once it is back a re-run converges', async () => {
  const run = startDeployUntil(/► runlevel 30-sso/, '--force', '--lock-ttl', '10s'); // the shortest TTL allowed
  await run.seen;
  const state = JSON.parse(await readFile(join(stateDir, 'cluster.json'), 'utf8'));
  const apiserver = state.daemons.find((d: { name: string }) => d.name === 'kube-apiserver');
  process.kill(apiserver.pid, 'SIGKILL');
  const r = await run.child;
  assert.is(r.exitCode, 5, run.stderr());
  assert.match(run.stderr(), /unreachable|connection refused/);
  assert.not.match(run.stderr(), /\n\s+at .*\.js:\d+/, 'no stack trace');

  await clusterUp({ stateDir }); // finds the dead API server, restarts the control plane on the same etcd data
  await new Promise((resolve) => setTimeout(resolve, 10_500)); // the lock's TTL
  const again = await deploy();
  assert.is(again.code, 0, again.stderr);
  assert.match(again.stderr, /never finished: recorded as failed at \S+/);
  // Whatever reached the record first (this run's own failure or the next run closing it), it
  // names the runlevel the deploy was in: never "failed at :".
  const cut = (await allRecords()).find((d) => d.id.endsWith(`-${run.child.pid}`));
  assert.is(cut?.outcome, 'failed');
  assert.match(cut?.failure?.runlevel ?? '', /^\d\d-[a-z]+$/, JSON.stringify(cut));
  assert.match(again.stderr, /deployed dev in/);
  for (const [name, rel] of await helmRevisions())
    assert.is(rel.status, 'deployed', `${name} left ${rel.status}`);
});

test.run();
