// The skeleton deploy and destroy share (core/deploy/locked-run.ts): a run that died mid-way is
// found by the next one and recorded as failed at the runlevel it was in.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deploy, fakes, release } from '../../helpers/deploy-fixture.js';

test('a deploy that died in a runlevel is recorded as failed there by the next deploy', async () => {
  const f = fakes();
  const platform = [release('10-base/a'), release('20-mid/b'), release('30-top/c')];
  await deploy(f, platform);

  // The API server goes away once runlevel 20-mid is entered: helm fails, and so does every
  // record write after it, so the record still says running at 20-mid (as after a kill -9).
  f.helm.onUpgrade = (name) => {
    if (name === 'b') f.cluster.apiGone = true;
  };
  f.helm.failUpgrade.add('b');
  f.helm.failRollback.add('b');
  const died = await deploy(f, [release('10-base/a', 2), release('20-mid/b', 2), release('30-top/c')]);
  assert.is(died.record.outcome, 'failed', 'what this process knew');
  const stored = f.cluster.last();
  assert.is(stored?.outcome, 'running');
  assert.is(stored?.at, '20-mid');

  f.cluster.apiGone = false;
  f.helm.onUpgrade = undefined;
  f.helm.failUpgrade.clear();
  f.helm.failRollback.clear();
  const next = await deploy(f, platform);
  assert.is(next.record.outcome, 'succeeded');
  const [latest, dead] = f.cluster.record.deploys;
  assert.is(latest?.id, next.record.id);
  assert.is(dead?.id, died.record.id);
  assert.is(dead?.outcome, 'failed');
  assert.equal(
    { ...dead?.failure, message: undefined },
    { runlevel: '20-mid', step: 'abandoned', message: undefined },
  );
  assert.match(dead?.failure?.message ?? '', 'during runlevel 20-mid');
  assert.is(f.helm.releases.get('ns-b/b')?.status, 'deployed', 'the failed release is put right');
});

test('a run that throws (the cluster unreachable) is recorded as failed and the lock released', async () => {
  const f = fakes();
  f.helm.list = async () => {
    throw new Error('helm list failed: connection refused');
  };
  await deploy(f, [release('10-base/a')]).then(
    () => assert.unreachable('the deploy went on'),
    (err: Error) => assert.match(err.message, 'connection refused'),
  );
  assert.is(f.cluster.last()?.outcome, 'failed');
  assert.equal(f.cluster.last()?.failure, {
    step: 'deploy',
    message: 'helm list failed: connection refused',
  });
  assert.is(f.journal.at(-1), 'unlock');
});

test('a run that throws inside a runlevel (the API gone during the gate) records that runlevel', async () => {
  const f = fakes();
  f.cluster.waitReady = async () => {
    throw new Error('wait for readiness: the Kubernetes API is unreachable after 6 attempts');
  };
  await deploy(f, [release('10-base/a'), release('20-mid/b')]).then(
    () => assert.unreachable('the deploy went on'),
    (err: Error) => assert.match(err.message, 'unreachable'),
  );
  assert.equal(f.cluster.last()?.failure, {
    runlevel: '10-base',
    step: 'deploy',
    message: 'wait for readiness: the Kubernetes API is unreachable after 6 attempts',
  });
});

test('a run that throws in a runlevel with nothing to apply still names it', async () => {
  const f = fakes();
  await deploy(f, [release('10-base/a'), release('20-mid/b')]);
  f.cluster.waitReady = async () => {
    throw new Error('connection refused');
  };
  await deploy(f, [release('10-base/a'), release('20-mid/b', 2)]).catch(() => undefined);
  assert.is(f.cluster.last()?.failure?.runlevel, '20-mid');
});

test.run();
