// runDestroy (core/deploy/destroy.ts) against the recording fakes: the last runlevel first,
// runlevel-system last and under the lock; a failure keeps the earlier runlevels.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runDestroy } from '../../../core/deploy/destroy.js';
import { planDestroy } from '../../../core/deploy/destroy-plan.js';
import type { DestroyProgress } from '../../../core/deploy/progress.js';
import { deploy, fakes, release } from '../../helpers/deploy-fixture.js';

const quiet: DestroyProgress = { runlevelStart() {}, runlevelDone() {}, release() {}, namespace() {} };

async function deployed() {
  const f = fakes();
  await deploy(f, [release('10-base/a'), release('20-mid/b'), release('30-top/c'), release('30-top/d')]);
  f.journal.length = 0;
  const batches = planDestroy(Object.values(f.cluster.record.releases), [], await f.helm.list());
  f.journal.length = 0;
  const destroy = () =>
    runDestroy({
      store: f.cluster,
      helm: f.helm,
      batches,
      cluster: 'test',
      coreVersion: '0.0.0-test',
      valuesCommit: 'abc',
      concurrency: 1,
      progress: quiet,
    });
  return { ...f, destroy };
}

test('the last runlevel first, runlevel-system last, then the lock is released', async () => {
  const f = await deployed();
  const report = await f.destroy();
  assert.equal(
    f.journal.filter((j) => j !== 'list'),
    [
      'lock destroy',
      'uninstall ns-c/c',
      'uninstall ns-d/d',
      'uninstall ns-b/b',
      'uninstall ns-a/a',
      'delete runlevel-system',
      'unlock',
    ],
  );
  assert.is(f.helm.releases.size, 0);
  assert.is(report.record.outcome, 'succeeded');
  assert.ok(report.namespaceGone);
  assert.equal(
    report.record.releases.map((r) => [r.name, r.action]),
    [
      ['c', 'pruned'],
      ['d', 'pruned'],
      ['b', 'pruned'],
      ['a', 'pruned'],
    ],
  );
});

test('a failed uninstall stops the destroy: earlier runlevels and runlevel-system stay', async () => {
  const f = await deployed();
  f.helm.failUninstall.add('b');
  const report = await f.destroy();
  assert.equal(f.helm.calls('uninstall'), ['ns-c/c', 'ns-d/d', 'ns-b/b']);
  assert.ok(f.helm.releases.has('ns-a/a'));
  assert.ok(f.cluster.systemNamespace, 'runlevel-system kept');
  assert.not.ok(report.namespaceGone);
  assert.is(report.record.outcome, 'failed');
  assert.equal(
    { ...report.record.failure, message: undefined },
    { runlevel: '20-mid', release: 'b', step: 'uninstall', message: undefined },
  );
  assert.equal(Object.keys(f.cluster.record.releases).sort(), ['ns-a/a', 'ns-b/b']);
  assert.is(f.cluster.last()?.outcome, 'failed');
  assert.is(f.journal.at(-1), 'unlock');
});

test.run();
