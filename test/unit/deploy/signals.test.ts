// What the deploy engine does on signals (core/deploy/apply.ts, locked-run.ts), through the
// recording fakes: the first lets the release in flight finish and starts nothing new; the second
// stops it (helm marks it failed), rolls nothing back, and the record names runlevel and release.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deploy, fakes, release } from '../../helpers/deploy-fixture.js';

test('one signal during a release: it finishes, nothing new starts, recorded as interrupted there', async () => {
  const f = fakes();
  let interrupted = false;
  f.helm.onUpgrade = (name) => {
    if (name === 'b') interrupted = true;
  };
  const report = await deploy(
    f,
    [release('10-base/a'), release('20-mid/b'), release('20-mid/b2'), release('30-top/c')],
    {
      interrupted: () => interrupted,
    },
  );
  assert.equal(f.helm.calls('upgrade'), ['ns-a/a', 'ns-b/b']);
  assert.is(f.helm.releases.get('ns-b/b')?.status, 'deployed');
  assert.equal(f.helm.calls('rollback'), []);
  assert.is(report.record.outcome, 'interrupted');
  assert.equal(report.record.failure, {
    runlevel: '20-mid',
    release: 'b',
    step: 'interrupted',
    message: 'stopped before the runlevel finished: b finished, 1 release not started',
  });
  assert.is(f.journal.at(-1), 'unlock');
});

test('a second signal during a release: helm stopped marks it failed, nothing is rolled back, the lock is released', async () => {
  const f = fakes();
  await deploy(f, [release('10-base/a'), release('20-mid/b')]);
  f.journal.length = 0;
  let signals = 0;
  f.helm.onUpgrade = (name) => {
    if (name === 'b') signals = 2; // both arrive while helm applies b; helm, told to stop, fails
  };
  f.helm.failUpgrade.add('b');
  const report = await deploy(f, [release('10-base/a', 2), release('20-mid/b', 2), release('30-top/c')], {
    interrupted: () => signals >= 1,
    halted: () => signals >= 2,
  });
  assert.equal(f.helm.calls('upgrade'), ['ns-a/a', 'ns-b/b'], 'c in the next runlevel never started');
  assert.equal(f.helm.calls('rollback'), [], 'not rolled back now: the next deploy does it');
  assert.is(f.helm.releases.get('ns-b/b')?.status, 'failed', 'marked failed, as helm does when stopped');
  assert.is(report.record.outcome, 'interrupted');
  assert.equal(
    { ...report.record.failure, message: undefined },
    { runlevel: '20-mid', release: 'b', step: 'interrupted', message: undefined },
  );
  assert.match(report.record.failure?.message ?? '', 'helm was told to stop b and marked it failed');
  assert.is(f.journal.at(-1), 'unlock');

  // The next deploy puts it right: the failed release is rolled back, then applied again.
  f.helm.failUpgrade.clear();
  f.helm.onUpgrade = undefined;
  const next = await deploy(f, [release('10-base/a', 2), release('20-mid/b', 2), release('30-top/c')]);
  assert.is(next.record.outcome, 'succeeded');
  assert.is(f.helm.releases.get('ns-b/b')?.status, 'deployed');
});

test.run();
