// The no-op deploy without its render (core/deploy/unchanged.ts and runDeploy's `unchanged`): it
// stands only when the last run was a successful deploy with the same inputs and helm's releases
// are at the revisions it recorded; under the lock any difference makes it render and deploy in full.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { DeployRelease } from '../../../core/deploy/index.js';
import type { ClusterRecord } from '../../../core/deploy/record.js';
import { changedSince, unchangedPlan } from '../../../core/deploy/unchanged.js';
import { deploy, fakes, release } from '../../helpers/deploy-fixture.js';

const platform = (v = 1) => [release('10-base/a'), release('20-mid/b', v), release('30-top/c')];

/** A deploy whose inputs are `inputs`, taking the shortcut offer; `full` counts its renders. */
function again(f: ReturnType<typeof fakes>, inputs: string, releases: DeployRelease[], renders: string[]) {
  return deploy(f, [], {
    inputs,
    unchanged: {
      verify: async (record, helm) => changedSince(record, inputs, helm),
      full: async () => {
        renders.push(inputs);
        return {
          runlevels: ['10-base', '20-mid', '30-top'].map((name) => ({ name, settings: {} })),
          releases,
        };
      },
    },
  });
}

test('the same inputs on an untouched cluster: every release unchanged, helm asked for nothing but its list', async () => {
  const f = fakes();
  assert.is((await deploy(f, platform(), { inputs: 'k1' })).record.inputs, 'k1');
  f.journal.length = 0;
  const renders: string[] = [];
  const report = await again(f, 'k1', platform(), renders);
  assert.equal(renders, [], 'nothing rendered');
  assert.equal(f.helm.calls('upgrade'), []);
  assert.is(report.record.outcome, 'succeeded');
  assert.is(report.record.inputs, 'k1');
  assert.equal(
    report.outcomes.map((o) => [o.name, o.action, o.revision]),
    [
      ['a', 'unchanged', 1],
      ['b', 'unchanged', 1],
      ['c', 'unchanged', 1],
    ],
  );
});

test('helm upgraded a release by hand: the deploy renders and puts it back', async () => {
  const f = fakes();
  await deploy(f, platform(), { inputs: 'k1' });
  f.journal.length = 0;
  const b = f.helm.releases.get('ns-b/b');
  if (b) f.helm.releases.set('ns-b/b', { ...b, revision: 2 });
  const renders: string[] = [];
  const report = await again(f, 'k1', platform(), renders);
  assert.equal(renders, ['k1']);
  assert.equal(f.helm.calls('upgrade'), ['ns-b/b']);
  assert.is(report.outcomes.find((o) => o.name === 'b')?.action, 'upgraded');
});

/** A successful deploy's record entry, with what a test changes in it. */
function succeededDeploy(d: Partial<ClusterRecord['deploys'][number]>): ClusterRecord['deploys'][number] {
  return {
    id: 'r',
    command: 'deploy',
    cluster: 'dev',
    coreVersion: '1',
    valuesCommit: 'c',
    started: '',
    ended: '',
    outcome: 'succeeded',
    inputs: 'k',
    releases: [],
    ...d,
  };
}

test('the last run failed, was a destroy, or had other inputs: the full path', () => {
  const record = (d: Partial<ClusterRecord['deploys'][number]>): ClusterRecord => ({
    releases: {},
    deploys: [succeededDeploy({ id: 'r1', inputs: 'k1', ...d })],
  });
  assert.is(changedSince(record({}), 'k1'), undefined);
  assert.match(changedSince(record({}), 'k2') ?? '', 'inputs differ');
  assert.match(changedSince(record({ outcome: 'failed' }), 'k1') ?? '', 'ended failed');
  assert.match(changedSince(record({ command: 'destroy' }), 'k1') ?? '', 'was a destroy');
  assert.match(changedSince(record({ inputs: undefined }), 'k1') ?? '', 'inputs differ');
  assert.match(changedSince({ releases: {}, deploys: [] }, 'k1') ?? '', 'no deploy recorded');
});

test('helm without a recorded release, or with it failed: the full path', () => {
  const deployed = {
    runlevel: '10-base',
    name: 'a',
    namespace: 'ns-a',
    chart: 'app-1.0.0',
    labels: {},
    digest: 'd',
    revision: 3,
    deployedAt: '',
  };
  const record: ClusterRecord = {
    releases: { 'ns-a/a': deployed },
    deploys: [succeededDeploy({ id: 'r', inputs: 'k' })],
  };
  const helm = (revision: number, status = 'deployed') => [
    { name: 'a', namespace: 'ns-a', revision, status, chart: 'app-1.0.0' },
  ];
  assert.is(changedSince(record, 'k', helm(3)), undefined);
  assert.match(changedSince(record, 'k', []) ?? '', 'helm has no release ns-a/a');
  assert.match(changedSince(record, 'k', helm(4)) ?? '', 'revision 4');
  assert.match(changedSince(record, 'k', helm(3, 'failed')) ?? '', '(failed)');
  assert.equal(
    unchangedPlan(record).runlevels.map((rl) => [
      rl.name,
      rl.waves.flat().map((p) => [p.release.name, p.action, p.previousRevision]),
    ]),
    [['10-base', [['a', 'unchanged', 3]]]],
  );
});

test.run();
