// planRollout: every branch of turning runlevel.yaml's stages and the flags into the stages to run.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { planRollout, previousStage, resolveGate } from '../../../core/rollout/plan.js';
import { UserError } from '../../../core/shared/errors.js';
import type { Rollout } from '../../../core/values/types.generated.js';

const rollout: Rollout = {
  poll: '5s',
  stages: [
    { name: 'dev', clusters: ['a'], soak: '2m' },
    {
      name: 'staging',
      clusters: ['b', 'c'],
      soak: '10m',
      gate: { ready: true, noDrift: false, noFailedDeploy: true },
    },
    { name: 'prod', clusters: ['d'], soak: '0s' },
  ],
};

function refusal(fn: () => unknown): UserError {
  try {
    fn();
  } catch (err) {
    assert.instance(err, UserError);
    return err as UserError;
  }
  throw new Error('expected a refusal');
}

test('every stage in order, soak and poll in ms, gates resolved with defaults', () => {
  const plan = planRollout(rollout);
  assert.equal(
    plan.stages.map((s) => [s.name, s.clusters, s.soakMs]),
    [
      ['dev', ['a'], 120_000],
      ['staging', ['b', 'c'], 600_000],
      ['prod', ['d'], 0],
    ],
  );
  assert.equal(plan.stages[0]?.gate, { ready: true, noDrift: true, noFailedDeploy: true });
  assert.equal(plan.stages[1]?.gate, { ready: true, noDrift: false, noFailedDeploy: true });
  assert.is(plan.pollMs, 5000);
  assert.equal(plan.skipped, []);
});

test('no stages is refused with what to add (exit 2)', () => {
  const err = refusal(() => planRollout(undefined));
  assert.is(err.exitCode, 2);
  assert.match(err.hint ?? '', 'rollout: {stages:');
});

test('--from resumes at a stage: the stages before are skipped, untouched', () => {
  const plan = planRollout(rollout, { from: 'staging' });
  assert.equal(
    plan.stages.map((s) => s.name),
    ['staging', 'prod'],
  );
  assert.equal(plan.skipped, ['dev']);
});

test('--from an unknown stage names the closest one', () => {
  const err = refusal(() => planRollout(rollout, { from: 'stagin' }));
  assert.is(err.exitCode, 2);
  assert.match(err.message, '--from stagin: there is no such stage');
  assert.match(err.hint ?? '', 'did you mean "staging"?');
});

test('--only keeps the named clusters and drops stages left empty', () => {
  const plan = planRollout(rollout, { only: ['c', 'd'] });
  assert.equal(
    plan.stages.map((s) => [s.name, s.clusters]),
    [
      ['staging', ['c']],
      ['prod', ['d']],
    ],
  );
});

test('--only a cluster of no stage, or of a stage before --from, is refused', () => {
  const none = refusal(() => planRollout(rollout, { only: ['zz'] }));
  assert.match(none.message, '--only zz: not in any stage');
  assert.match(none.hint ?? '', 'a, b, c, d');
  const before = refusal(() => planRollout(rollout, { from: 'staging', only: ['a'] }));
  assert.match(before.message, '--only a: not in any stage from staging on');
  assert.match(before.hint ?? '', 'a is in stage dev, before --from staging');
});

test('poll defaults to 15s, a stage without soak checks once', () => {
  const plan = planRollout({
    stages: [{ name: 'x', clusters: ['a'] } as Rollout['stages'][number]],
  } as Rollout);
  assert.is(plan.pollMs, 15_000);
  assert.is(plan.stages[0]?.soakMs, 0);
});

test('the stage before one (promote), none before the first', () => {
  assert.is(previousStage(rollout, 'prod')?.name, 'staging');
  assert.is(previousStage(rollout, 'dev'), undefined);
  assert.equal(resolveGate({ ready: false }), { ready: false, noDrift: true, noFailedDeploy: true });
});

test('the clusters this run does not deploy are listed (their API servers are compared too)', () => {
  assert.equal(planRollout(rollout).others, []);
  assert.equal(planRollout(rollout, { from: 'staging' }).others, ['a']);
  assert.equal(planRollout(rollout, { from: 'staging', only: ['c'] }).others, ['a', 'b', 'd']);
});

test.run();
