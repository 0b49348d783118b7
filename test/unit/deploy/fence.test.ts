// Fencing (core/deploy/fence.ts, lock.ts, locked-run.ts): a run whose lock was taken stops before
// its next write, the run that took it waits for the writes the other had in flight, and the
// record of the displaced run says so. First the real lock against an in-memory Lease API with
// the API server's resourceVersion rule, then the engine through the recording fakes.
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writesOf } from '../../../core/deploy/fence.js';
import { acquireLock, LockLostError } from '../../../core/deploy/lock.js';
import { deploy, fakes, release } from '../../helpers/deploy-fixture.js';
import { FakeLeaseApi } from '../../helpers/fake-lease-api.js';

const holder = (runId: string) => ({
  valuesCommit: 'abc',
  coreVersion: '0.0.0-test',
  command: 'deploy',
  runId,
});

/** Poll a condition the code under test will reach (no timing is asserted, only order). */
async function until(what: string, cond: () => boolean): Promise<void> {
  for (let i = 0; i < 2_000 && !cond(); i++) await sleep(5);
  assert.ok(cond(), `never happened: ${what}`);
}

test('--break-lock during a write: that write finishes, the next is refused, and the breaker waits for the first run', async () => {
  const api = new FakeLeaseApi();
  const order: string[] = [];
  let aEnded = false;
  const a = await acquireLock(api.clients(), { holder: holder('run-a') });
  const firstIdentity = api.lease?.spec?.holderIdentity;

  let endWrite = () => {};
  const writeHeld = new Promise<void>((resolve) => {
    endWrite = resolve;
  });
  const aWrite = a.fence('upgrade ns-x/x', 60_000, async () => {
    order.push('a: x starts');
    await writeHeld;
    order.push('a: x ends');
    return 7;
  });
  await until('the write is listed in the lease', () => writesOf(api.lease ?? {}).length === 1);
  assert.equal(
    writesOf(api.lease ?? {}).map((w) => w.what),
    ['upgrade ns-x/x'],
  );

  const b = acquireLock(api.clients(), {
    breakLock: true,
    holder: holder('run-b'),
    runEnded: async (id) => id === 'run-a' && aEnded,
  }).then((lock) => {
    order.push('b: holds the lock');
    return lock;
  });
  await until('b took the lease', () => api.lease?.spec?.holderIdentity !== firstIdentity);
  assert.is(api.lease?.spec?.leaseTransitions, 1, 'the fencing token moved on');

  order.push('test: x may end');
  endWrite();
  assert.is(await aWrite, 7, 'the write in flight finishes');
  await a
    .fence('upgrade ns-y/y', 60_000, async () => order.push('a: y ran'))
    .then(
      () => assert.unreachable('a wrote after losing the lock'),
      (err: unknown) => {
        assert.instance(err, LockLostError);
        assert.match(
          (err as Error).message,
          `taken by ${hostname()} (pid ${process.pid}): stopped before upgrade ns-y/y`,
        );
        assert.is((err as LockLostError).exitCode, 6);
        order.push('a: y refused');
      },
    );
  assert.ok(a.lost());
  aEnded = true; // the displaced run has written its record
  order.push('a: ended');

  const lockB = await b;
  assert.equal(order, [
    'a: x starts',
    'test: x may end',
    'a: x ends',
    'a: y refused',
    'a: ended',
    'b: holds the lock',
  ]);
  assert.equal(lockB.tookOver, {
    reason: 'break-lock',
    holder: `${hostname()} (pid ${process.pid})`,
    waitedFor: ['upgrade ns-x/x'],
  });
  assert.is(await lockB.fence('upgrade ns-y/y', 60_000, async () => 'b wrote'), 'b wrote');
  await a.release(); // not its lease any more: left alone
  assert.ok(api.lease, 'the displaced run did not delete the new holder lease');
  await lockB.release();
  assert.is(api.lease, undefined);
});

test('a lease taken between two writes: the next fence fails its compare-and-swap and never runs the write', async () => {
  const api = new FakeLeaseApi();
  const a = await acquireLock(api.clients(), { holder: holder('run-a') });
  await a.fence('upgrade ns-x/x', 60_000, async () => undefined);
  // No write of a in flight: the breaker has nothing to wait for.
  const b = await acquireLock(api.clients(), { breakLock: true, holder: holder('run-b') });
  assert.is(b.tookOver?.waitedFor, undefined);
  let ran = false;
  await a
    .fence('task copy-platform-ca', 60_000, async () => {
      ran = true;
    })
    .catch((err: unknown) => assert.instance(err, LockLostError));
  assert.not.ok(ran);
  assert.ok(api.calls.includes('replace conflict'), 'refused by the resourceVersion, not by a read');
  await b.release();
});

test('a lease edited by someone else while still ours (an annotation) does not stop the run', async () => {
  const api = new FakeLeaseApi();
  const a = await acquireLock(api.clients(), { holder: holder('run-a') });
  const lease = await api.readNamespacedLease();
  lease.metadata = { ...lease.metadata, annotations: { ...lease.metadata?.annotations, note: 'kubectl' } };
  await api.replaceNamespacedLease({ body: lease });
  assert.is(await a.fence('upgrade ns-x/x', 60_000, async () => 'wrote'), 'wrote');
  assert.not.ok(a.lost());
  await a.release();
});

test('the engine: the lock taken during a release; it finishes, nothing else is written, the record says displaced', async () => {
  const f = fakes();
  await deploy(f, [release('10-base/a'), release('20-mid/b'), release('30-top/c')]);
  f.journal.length = 0;
  f.cluster.onFence = (what) => {
    if (what === 'upgrade ns-b/b') f.cluster.lockLost = true; // --break-lock while b is applied
  };
  const report = await deploy(f, [
    release('10-base/a', 2),
    release('20-mid/b', 2),
    release('20-mid/b2'),
    release('30-top/c', 2),
  ]);

  assert.equal(f.helm.calls('upgrade'), ['ns-a/a', 'ns-b/b'], 'b2 and c never applied');
  assert.not.ok(
    f.journal.some((j) => j.startsWith('wait ns-b')),
    'no readiness gate after losing the lock',
  );
  assert.not.ok(
    f.journal.some((j) => j.startsWith('rollback')),
    'nothing rolled back: the new holder owns the cluster',
  );
  assert.is(report.record.outcome, 'displaced');
  assert.equal(report.record.failure, {
    runlevel: '20-mid',
    release: 'b',
    step: 'displaced',
    message: 'the deploy lock was taken by other-host (pid 7): this deploy stopped before its next write',
  });
  assert.equal(
    report.record.releases.map((r) => `${r.name} ${r.action}`),
    ['a upgraded', 'b upgraded', 'b2 skipped'],
  );
  assert.is(
    f.cluster.record.releases['ns-b/b']?.revision,
    1,
    'b is not recorded as deployed by the displaced run',
  );
  assert.is(f.cluster.last()?.outcome, 'displaced', 'the record in the cluster tells the same');
  assert.is(f.journal.at(-1), 'unlock');
});

test('the engine: the lock taken during a task: no release of that runlevel or a later one is applied', async () => {
  const f = fakes();
  f.cluster.onFence = (what) => {
    if (what === 'task copy-platform-ca') f.cluster.lockLost = true;
  };
  const runTask = async (name: string) => [name];
  const report = await deploy(f, [release('10-base/a'), release('20-mid/b')], {
    runTask,
    runlevels: [
      { name: '10-base', settings: { before: 'copy-platform-ca' } },
      { name: '20-mid', settings: {} },
    ],
  });
  assert.equal(f.helm.calls('upgrade'), []);
  assert.is(report.record.outcome, 'displaced');
  assert.is(report.record.failure?.runlevel, '10-base');
  assert.match(report.record.failure?.message ?? '', 'taken by other-host (pid 7)');
  assert.equal(f.cluster.record.releases, {}, 'nothing recorded as deployed');
});

test.run();
