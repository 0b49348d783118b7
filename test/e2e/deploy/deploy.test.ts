// The main job against the real local cluster: deploy the platform from a values repo made by
// `runlevel init`, then change, prune and redeploy it, and fight over the lock.

import { join } from 'node:path';
import { CoordinationV1Api, CoreV1Api, V1MicroTime } from '@kubernetes/client-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { run } from '../../../core/shared/exec.js';
import { loadKubeConfig } from '../../../core/shared/kube.js';
import { coreRoot } from '../../../core/shared/paths.js';
import { runCli } from '../../helpers/cli.js';
import { helmReleasesByName } from '../../helpers/kube.js';
import { initValuesRepo, type ValuesRepo } from '../../helpers/values-repo.js';

const kubeconfig = process.env.KUBECONFIG ?? '';
let repo: ValuesRepo;

const deploy = (...args: string[]) =>
  runCli(['deploy', '--cluster', repo.cluster, '--values', repo.dir, '--kubeconfig', kubeconfig, ...args], {
    timeoutMs: 300_000,
  });

const helmReleases = () => helmReleasesByName(kubeconfig);
const statusJson = () =>
  runCli([
    'status',
    '--cluster',
    repo.cluster,
    '--values',
    repo.dir,
    '--kubeconfig',
    kubeconfig,
    '-o',
    'json',
  ]);

async function deployRecords(): Promise<{ outcome: string; releases: { name: string; action: string }[] }[]> {
  const cm = await loadKubeConfig(kubeconfig)
    .makeApiClient(CoreV1Api)
    .readNamespacedConfigMap({ name: 'runlevel-state', namespace: 'runlevel-system' });
  return JSON.parse(cm.data?.['deploys.json'] ?? '[]');
}

const checkedObjects = (stderr: string) => Number(/(\d+) objects checked/.exec(stderr)?.[1]);
const renderedFresh = (stderr: string) =>
  /rendered (\d+) releases? \((\d+) unchanged, taken from the cluster\)/.exec(stderr);
let objectsAtFirstDeploy = 0;
let objectsAfterChange = 0; // two replicas bring a PodDisruptionBudget

const actionOf = (stderr: string, release: string) =>
  new RegExp(`^${release}\\s+\\S+\\s+(\\S+)`, 'm').exec(stderr)?.[1];

test.before(async () => {
  assert.ok(kubeconfig, 'the e2e tier sets KUBECONFIG to the shared local cluster');
  repo = await initValuesRepo('dev');
});

test.after(async () => {
  await repo?.remove();
});

test('the first deploy installs every runlevel in order; helm lists the releases; the record says succeeded', async () => {
  const r = await deploy();
  assert.is(r.code, 0, r.stderr);
  const order = [...r.stderr.matchAll(/► runlevel (\S+):/g)].map((m) => m[1]);
  assert.equal(order, [...order].sort());
  assert.ok(order.length >= 5, `runlevels: ${order.join(' ')}`);
  const helm = await helmReleases();
  for (const name of ['platform-init', 'policy-templates', 'policy-constraints', 'team-demo', 'demo-hello']) {
    assert.is(helm.get(name)?.status, 'deployed', `${name}: ${JSON.stringify(helm.get(name))}`);
  }
  assert.is(actionOf(r.stderr, 'demo-hello'), 'installed');
  objectsAtFirstDeploy = checkedObjects(r.stderr);
  assert.ok(objectsAtFirstDeploy > 10, r.stderr);
  const [last] = await deployRecords();
  assert.is(last?.outcome, 'succeeded');
});

test('a deploy with nothing changed changes nothing: every release unchanged, no new helm revision', async () => {
  const before = await helmReleases();
  const r = await deploy();
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /total [\d.]+s: \d+ unchanged$/m);
  // The first deploy installed CRDs and Gatekeeper's constraint kinds, so the cluster serves more
  // API versions now; no chart of the core reads .Capabilities (render/reads-capabilities.ts), so
  // the inputs are the first deploy's and neither render nor check runs (unchanged.test.ts). The
  // path that renders with helm's stored manifests standing in is the next test's.
  assert.is(renderedFresh(r.stderr), null, r.stderr);
  assert.ok(Number.isNaN(checkedObjects(r.stderr)), r.stderr);
  const after = await helmReleases();
  for (const [name, rel] of before) assert.is(after.get(name)?.revision, rel.revision, name);
});

test('changing one app upgrades only its release', async () => {
  const before = await helmReleases();
  await repo.edit('common/apps/hello.yaml', (app) => {
    app.replicas = 2;
  });
  const r = await deploy();
  assert.is(r.code, 0, r.stderr);
  assert.is(actionOf(r.stderr, 'demo-hello'), 'upgraded');
  assert.is(actionOf(r.stderr, 'team-demo'), 'unchanged');
  assert.is(renderedFresh(r.stderr)?.[1], '1', r.stderr);
  objectsAfterChange = checkedObjects(r.stderr);
  assert.is(objectsAfterChange, objectsAtFirstDeploy + 1, 'the PodDisruptionBudget two replicas bring');
  const after = await helmReleases();
  assert.is(after.get('demo-hello')?.revision, (before.get('demo-hello')?.revision ?? 0) + 1);
  assert.is(after.get('team-demo')?.revision, before.get('team-demo')?.revision);
});

test('a release changed by hand with helm is rendered afresh and put back, not taken from the cluster', async () => {
  const hello = (await helmReleases()).get('demo-hello');
  const byHand = await run(
    'helm',
    ['upgrade', 'demo-hello', join(coreRoot, 'charts/app'), '-n', hello?.namespace ?? '', '--reuse-values'],
    { env: { KUBECONFIG: kubeconfig } },
  );
  assert.is(byHand.exitCode, 0);
  const r = await deploy();
  assert.is(r.code, 0, r.stderr);
  assert.is(renderedFresh(r.stderr)?.[1], '1', r.stderr);
  assert.is(actionOf(r.stderr, 'demo-hello'), 'upgraded');
  assert.is(checkedObjects(r.stderr), objectsAfterChange);
});

test('status reports every release in sync after a deploy, and out of sync after a values change', async () => {
  const inSync = await statusJson();
  assert.is(inSync.code, 0, inSync.stderr);
  assert.is(JSON.parse(inSync.stdout).inSync, true);
  await repo.edit('common/apps/hello.yaml', (app) => {
    app.replicas = 3;
  });
  const drifted = JSON.parse((await statusJson()).stdout);
  assert.is(drifted.inSync, false);
  assert.is(
    drifted.releases.find((r: { release: string }) => r.release === 'demo-hello').state,
    'out of sync',
  );
});

test('an app removed from its team is pruned after the rest is up; added back it returns', async () => {
  await repo.edit('common/teams/demo.yaml', (team) => {
    team.apps = [];
  });
  const pruned = await deploy();
  assert.is(pruned.code, 0, pruned.stderr);
  assert.match(pruned.stderr, 'demo-hello pruned');
  assert.not.ok((await helmReleases()).has('demo-hello'));

  await repo.edit('common/teams/demo.yaml', (team) => {
    team.apps = ['hello'];
  });
  const back = await deploy();
  assert.is(back.code, 0, back.stderr);
  assert.is(actionOf(back.stderr, 'demo-hello'), 'installed');
  assert.is((await helmReleases()).get('demo-hello')?.status, 'deployed');
});

test('a disabled app is pruned and comes back when enabled again', async () => {
  await repo.edit('common/apps/hello.yaml', (app) => {
    app.enabled = false;
  });
  assert.match((await deploy()).stderr, 'demo-hello pruned');
  await repo.edit('common/apps/hello.yaml', (app) => {
    app.enabled = true;
  });
  const r = await deploy();
  assert.is(actionOf(r.stderr, 'demo-hello'), 'installed');
});

test('two deploys at once: exactly one proceeds, the other exits 6 naming the holder', async () => {
  const [a, b] = await Promise.all([deploy('--force'), deploy('--force')]);
  const codes = [a.code, b.code].sort();
  assert.equal(codes, [0, 6], `${a.stderr}\n---\n${b.stderr}`);
  const loser = a.code === 6 ? a : b;
  assert.match(loser.stderr, /another deploy holds the lock on this cluster: \S+ \(pid \d+\) since /);
  assert.match(loser.stderr, 'hint: wait for it to finish, or pass --wait-lock');
});

test('a live lock held elsewhere stops the deploy at once; an expired one is taken over', async () => {
  const leases = loadKubeConfig(kubeconfig).makeApiClient(CoordinationV1Api);
  const lease = (renew: Date) => ({
    metadata: {
      name: 'runlevel-deploy',
      namespace: 'runlevel-system',
      annotations: {
        'runlevel.dev/holder': JSON.stringify({
          host: 'ci-runner-7',
          pid: 4242,
          valuesCommit: 'abc123',
          coreVersion: '0.1.0',
          command: 'deploy',
        }),
      },
    },
    spec: {
      holderIdentity: 'ci-runner-7/4242/1',
      leaseDurationSeconds: 60,
      acquireTime: new V1MicroTime(renew),
      renewTime: new V1MicroTime(renew),
    },
  });
  await leases.createNamespacedLease({ namespace: 'runlevel-system', body: lease(new Date()) });
  try {
    const held = await deploy();
    assert.is(held.code, 6, held.stderr);
    assert.match(held.stderr, 'ci-runner-7 (pid 4242)');
    assert.match(held.stderr, 'values abc123');
  } finally {
    await leases.deleteNamespacedLease({ name: 'runlevel-deploy', namespace: 'runlevel-system' });
  }
  await leases.createNamespacedLease({
    namespace: 'runlevel-system',
    body: lease(new Date(Date.now() - 3_600_000)),
  });
  const taken = await deploy();
  assert.is(taken.code, 0, taken.stderr);
  assert.match(taken.stderr, 'taking over an expired deploy lock from ci-runner-7 (pid 4242)');
});

test('a platform CA set in values lands in runlevel-system and, by its task, in every team namespace', async () => {
  const pem = '-----BEGIN CERTIFICATE-----\nTESTONLYdGVzdC1jYQ==\n-----END CERTIFICATE-----\n';
  await repo.edit('common/settings.yaml', (settings) => {
    settings.platform.ca = pem;
  });
  const r = await deploy();
  assert.is(r.code, 0, r.stderr);
  assert.is(actionOf(r.stderr, 'platform-init'), 'upgraded');
  const core = loadKubeConfig(kubeconfig).makeApiClient(CoreV1Api);
  const source = await core.readNamespacedConfigMap({ name: 'platform-ca', namespace: 'runlevel-system' });
  assert.is(source.data?.['ca.crt'], pem);
  const copy = await core.readNamespacedConfigMap({ name: 'platform-ca', namespace: 'team-demo' });
  assert.is(copy.data?.['ca.crt'], pem);
});

test('a pull secret in values (sops) reaches runlevel-system, the platform and every team namespace by a plain deploy', async () => {
  // Nothing is created by hand: runlevel 00 makes runlevel-system/registry-pull from values and
  // the copy-pull-secret task copies it into the team namespaces.
  await repo.writeSecrets(`clusters/${repo.cluster}/registry.sops.yaml`, {
    platform: { registry: { pullSecret: { enabled: true, username: 'puller', password: 'e2e-pull-pw' } } },
  });
  const r = await deploy();
  assert.is(r.code, 0, r.stderr);
  assert.not.match(r.stderr + r.stdout, 'e2e-pull-pw');
  const core = loadKubeConfig(kubeconfig).makeApiClient(CoreV1Api);
  for (const namespace of ['runlevel-system', 'ingress-system', 'team-demo']) {
    const secret = await core.readNamespacedSecret({ name: 'registry-pull', namespace });
    assert.is(secret.type, 'kubernetes.io/dockerconfigjson', namespace);
    const config = Buffer.from(secret.data?.['.dockerconfigjson'] ?? '', 'base64').toString('utf8');
    assert.is(JSON.parse(config).auths['https://index.docker.io/v1/'].username, 'puller', namespace);
  }
  const sa = await core.readNamespacedServiceAccount({ name: 'default', namespace: 'team-demo' });
  assert.ok(
    sa.imagePullSecrets?.some((s) => s.name === 'registry-pull'),
    'team-demo default ServiceAccount',
  );
});

test('the record keeps the last deploys, newest first', async () => {
  const records = await deployRecords();
  assert.ok(records.length >= 8 && records.length <= 20, `${records.length} records`);
  assert.is(records[0]?.outcome, 'succeeded');
});

test.run();
