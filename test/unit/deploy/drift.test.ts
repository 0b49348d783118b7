// The deploy engine's repair path against the recording fakes: a release whose values did not
// change but whose live objects drifted is upgraded with the same chart and values, reported as
// repaired with what drifted, and in sync afterwards; ignored fields and --force skip the read.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { DeployRelease } from '../../../core/deploy/index.js';
import { planAgainst } from '../../../core/deploy/index.js';
import { ReleaseState } from '../../../core/deploy/plan.js';
import { type DriftIgnoreRule, detectDrift } from '../../../core/drift/index.js';
import { deploy, fakes, release } from '../../helpers/deploy-fixture.js';
import { type FakeCluster, liveKey } from '../../helpers/fake-cluster.js';

const manifestOf = (r: DeployRelease) => `---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${r.name}
  namespace: ${r.namespace}
spec:
  replicas: 2
`;

/** The drift check the pipeline builds, over the fixture's one-Deployment manifests. */
function driftCheck(cluster: FakeCluster, releases: DeployRelease[], ignore: DriftIgnoreRule[] = []) {
  const manifests = new Map(releases.map((r) => [`${r.namespace}/${r.name}`, manifestOf(r)]));
  return (wanted: { release: { name: string; namespace: string } }[]) =>
    detectDrift(
      wanted.map(({ release: r }) => ({
        key: `${r.namespace}/${r.name}`,
        namespace: r.namespace,
        manifest: manifests.get(`${r.namespace}/${r.name}`) ?? '',
      })),
      cluster,
      ignore,
    );
}

/** What helm's upgrade does to the live objects: they hold the manifest again. */
function applyOnUpgrade(f: ReturnType<typeof fakes>, releases: DeployRelease[]) {
  const put = (r: DeployRelease) =>
    f.cluster.live.set(
      liveKey({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: r.namespace, name: r.name }),
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: r.name, namespace: r.namespace },
        spec: { replicas: 2, strategy: { type: 'RollingUpdate' } },
      },
    );
  f.helm.onUpgrade = (name) => {
    const r = releases.find((x) => x.name === name);
    if (r) put(r);
  };
}

const platform = () => [release('10-base/a'), release('20-mid/b'), release('30-top/c')];

test('a deployment deleted by hand is repaired by a plain deploy: only its release upgraded, reported as repaired', async () => {
  const f = fakes();
  const releases = platform();
  applyOnUpgrade(f, releases);
  assert.is(
    (await deploy(f, releases, { drift: driftCheck(f.cluster, releases) })).record.outcome,
    'succeeded',
  );
  f.journal.length = 0;

  f.cluster.live.delete('apps/v1/Deployment/ns-b/b');
  const report = await deploy(f, releases, { drift: driftCheck(f.cluster, releases) });

  assert.equal(f.helm.calls('upgrade'), ['ns-b/b']);
  assert.ok(f.journal.indexOf('live 3') < f.journal.indexOf('upgrade ns-b/b'), 'read under the lock, before');
  assert.ok(f.journal.indexOf('lock deploy') < f.journal.indexOf('live 3'));
  assert.equal(
    report.outcomes.map((o) => [o.name, o.action]),
    [
      ['a', 'unchanged'],
      ['b', 'repaired'],
      ['c', 'unchanged'],
    ],
  );
  const b = report.record.releases.find((r) => r.name === 'b');
  assert.equal(b?.drift, ['Deployment/ns-b/b (missing)']);
  assert.is(f.cluster.record.releases['ns-b/b']?.revision, 2, 'the record follows the new revision');
  assert.ok(f.cluster.live.has('apps/v1/Deployment/ns-b/b'));

  f.journal.length = 0;
  const again = await deploy(f, releases, { drift: driftCheck(f.cluster, releases) });
  assert.equal(f.helm.calls('upgrade'), [], 'in sync after the repair');
  assert.ok(again.outcomes.every((o) => o.action === 'unchanged'));
});

test('the plan says Drifted with the fields, and a repair; a field an ignore rule names does not count', async () => {
  const f = fakes();
  const releases = platform();
  applyOnUpgrade(f, releases);
  await deploy(f, releases, { drift: driftCheck(f.cluster, releases) });
  const live = f.cluster.live.get('apps/v1/Deployment/ns-c/c') as { spec: { replicas: number } };
  live.spec.replicas = 0;

  const input = {
    runlevels: ['10-base', '20-mid', '30-top'].map((name) => ({ name, settings: {} })),
    releases,
  };
  const { plan } = await planAgainst(
    { store: f.cluster, helm: f.helm },
    { ...input, drift: driftCheck(f.cluster, releases) },
  );
  const c = plan.runlevels.flatMap((rl) => rl.waves.flat()).find((p) => p.release.name === 'c');
  assert.is(c?.state, ReleaseState.Drifted);
  assert.is(c?.action, 'repair');
  assert.is(c?.reason, 'live drift: 1 field changed');
  assert.equal(c?.drift?.objects[0]?.changes, [{ path: 'spec.replicas', want: '2', live: '0' }]);
  assert.is(plan.changes, 1);

  const ignoring = await planAgainst(
    { store: f.cluster, helm: f.helm },
    { ...input, drift: driftCheck(f.cluster, releases, [{ kind: 'Deployment', path: 'spec.replicas' }]) },
  );
  assert.is(ignoring.plan.changes, 0);
  const c2 = ignoring.plan.runlevels.flatMap((rl) => rl.waves.flat()).find((p) => p.release.name === 'c');
  assert.is(c2?.state, ReleaseState.InSync);
});

test('only releases otherwise in sync are read; a changed release is upgraded as before; --force reads nothing', async () => {
  const f = fakes();
  const releases = platform();
  applyOnUpgrade(f, releases);
  await deploy(f, releases, { drift: driftCheck(f.cluster, releases) });
  f.cluster.live.delete('apps/v1/Deployment/ns-a/a');
  f.journal.length = 0;

  const changed = [release('10-base/a', 2), release('20-mid/b'), release('30-top/c')];
  const report = await deploy(f, changed, { drift: driftCheck(f.cluster, changed) });
  assert.ok(f.journal.includes('live 2'), `a is upgraded anyway, not read: ${f.journal.join(', ')}`);
  assert.is(report.outcomes.find((o) => o.name === 'a')?.action, 'upgraded');

  f.journal.length = 0;
  await deploy(f, changed, { force: true, drift: driftCheck(f.cluster, changed) });
  assert.not.ok(
    f.journal.some((j) => j.startsWith('live')),
    f.journal.join(', '),
  );
});

test.run();
