// The deploy engine (core/deploy/index.ts, apply.ts) against the recording fakes: what it asks
// helm and the cluster to do when a release fails, when releases are pruned, when the lock is lost.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deploy, fakes, release } from '../../helpers/deploy-fixture.js';

const platform = (v: Record<string, number> = {}) => [
  release('10-base/a', v.a),
  release('20-mid/b', v.b),
  release('30-top/c', v.c),
];

test('a release that is not ready is rolled back to its previous revision; later runlevels are untouched', async () => {
  const f = fakes();
  assert.is((await deploy(f, platform())).record.outcome, 'succeeded');
  f.journal.length = 0;
  f.cluster.notReady.add('ns-b/b');

  const report = await deploy(f, platform({ b: 2, c: 2 }));

  assert.equal(f.helm.calls('upgrade'), ['ns-b/b'], 'c in the later runlevel is not upgraded');
  assert.equal(f.helm.calls('rollback'), ['ns-b/b 1']);
  assert.equal(f.helm.releases.get('ns-b/b'), {
    name: 'b',
    namespace: 'ns-b',
    revision: 3,
    status: 'deployed',
    chart: 'app',
  });
  assert.is(f.helm.releases.get('ns-c/c')?.revision, 1);
  assert.is(report.record.outcome, 'failed');
  assert.equal(
    { ...report.record.failure, message: undefined },
    { runlevel: '20-mid', release: 'b', step: 'readiness', message: undefined },
  );
  assert.is(report.outcomes.find((o) => o.name === 'b')?.action, 'rolled-back');
  assert.is(f.cluster.record.releases['ns-b/b']?.revision, 1, 'the record keeps the last good revision');
  assert.is(f.cluster.last()?.outcome, 'failed');
  assert.is(f.journal.at(-1), 'unlock');
});

test('a first install that fails is uninstalled, and nothing after it starts', async () => {
  const f = fakes();
  f.helm.failUpgrade.add('b');

  const report = await deploy(f, platform());

  assert.equal(f.helm.calls('upgrade'), ['ns-a/a', 'ns-b/b']);
  assert.equal(f.helm.calls('uninstall'), ['ns-b/b']);
  assert.equal(f.helm.calls('rollback'), []);
  assert.not.ok(f.helm.releases.has('ns-b/b'), 'no failed release left behind');
  assert.ok(f.helm.releases.has('ns-a/a'), 'the runlevel before stays');
  assert.not.ok(f.helm.releases.has('ns-c/c'));
  assert.equal(
    { ...report.record.failure, message: undefined },
    { runlevel: '20-mid', release: 'b', step: 'release', message: undefined },
  );
  assert.match(report.record.failure?.message ?? '', 'helm upgrade b failed');
  assert.equal(Object.keys(f.cluster.record.releases), ['ns-a/a']);
});

test('releases removed from values are pruned last runlevel first, only after the new state is up', async () => {
  const f = fakes();
  await deploy(f, [...platform(), release('30-top/d'), release('20-mid/e')]);
  f.journal.length = 0;

  const report = await deploy(f, [release('10-base/a', 2)]);

  assert.is(report.record.outcome, 'succeeded');
  assert.equal(f.helm.calls('uninstall'), ['ns-c/c', 'ns-d/d', 'ns-b/b', 'ns-e/e']);
  const firstPrune = f.journal.findIndex((j) => j.startsWith('uninstall'));
  assert.ok(firstPrune > f.journal.indexOf('upgrade ns-a/a'), f.journal.join('\n'));
  assert.ok(firstPrune > f.journal.indexOf('wait ns-a/a'), 'after the readiness gate');
  assert.equal(Object.keys(f.cluster.record.releases), ['ns-a/a']);
  assert.equal(
    report.outcomes.filter((o) => o.action === 'pruned').map((o) => o.name),
    ['c', 'd', 'b', 'e'],
  );
});

test('a failed runlevel prunes nothing', async () => {
  const f = fakes();
  await deploy(f, platform());
  f.cluster.notReady.add('ns-a/a');
  await deploy(f, [release('10-base/a', 2)]);
  assert.equal(f.helm.calls('uninstall'), []);
  assert.equal(Object.keys(f.cluster.record.releases).sort(), ['ns-a/a', 'ns-b/b', 'ns-c/c']);
});

test('the lock lost mid-deploy: what is in flight finishes, nothing new starts, the lock is released', async () => {
  const f = fakes();
  f.helm.onUpgrade = (name) => {
    if (name === 'a') f.cluster.lockLost = true;
  };

  const report = await deploy(f, [release('10-base/a'), release('10-base/a2'), ...platform().slice(1)]);

  assert.equal(f.helm.calls('upgrade'), ['ns-a/a']);
  assert.not.ok(
    f.journal.some((j) => j.startsWith('wait')),
    'no readiness gate after the lock is lost',
  );
  assert.is(report.outcomes.find((o) => o.name === 'a2')?.action, 'skipped');
  assert.is(report.record.failure?.step, 'displaced');
  assert.is(report.record.failure?.runlevel, '10-base');
  assert.match(report.record.failure?.message ?? '', 'taken by other-host (pid 7)');
  assert.is(report.record.outcome, 'displaced');
  assert.is(f.journal.at(-1), 'unlock');
});

test('a lock held by another deploy stops before anything is read or changed', async () => {
  const f = fakes();
  f.cluster.lockHeld = new Error('another deploy holds the lock on this cluster');
  await deploy(f, platform()).then(
    () => assert.unreachable('the deploy went on'),
    (err: Error) => assert.match(err.message, 'another deploy holds the lock'),
  );
  assert.equal(f.journal, ['lock deploy']);
  assert.equal(f.cluster.record.deploys, []);
});

test.run();
