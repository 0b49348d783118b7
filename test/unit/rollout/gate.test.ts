// gateVerdict: each way a reading of a cluster can fail its stage's gate, and each switch of the gate.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type GateReading, gateVerdict } from '../../../core/rollout/gate.js';
import type { Gate } from '../../../core/rollout/plan.js';

const all: Gate = { ready: true, noDrift: true, noFailedDeploy: true };
const since = '2026-01-01T10:00:00.000Z';
const release = (name: string, extra: Partial<GateReading['releases'][number]> = {}) => ({
  runlevel: '90-apps',
  release: name,
  ready: true,
  state: 'in-sync',
  notReady: [],
  ...extra,
});
const deploy = (started: string, outcome: string, extra = {}) => ({
  id: `d-${started}`,
  command: 'deploy',
  started,
  outcome,
  coreVersion: '0.2.0',
  ...extra,
});
const reading = (r: Partial<GateReading> = {}): GateReading => ({
  cluster: 'a',
  reachable: true,
  releases: [release('team-x-hello'), release('team-y-hello')],
  deploys: [deploy('2026-01-01T10:00:01.000Z', 'succeeded')],
  ...r,
});

test('everything ready, in sync, and the deploys since the stage succeeded: the gate holds', () => {
  assert.equal(gateVerdict(reading(), all, since), { cluster: 'a', holds: true, reasons: [] });
});

test('an unreachable cluster fails with the probe error and nothing else', () => {
  const v = gateVerdict(reading({ reachable: false, error: 'no answer within 5 s' }), all, since);
  assert.is(v.holds, false);
  assert.equal(v.reasons, [{ kind: 'unreachable', message: 'unreachable: no answer within 5 s' }]);
});

test('a cluster whose status could not be read fails: a gate is never assumed', () => {
  const v = gateVerdict(reading({ error: 'its status took longer than 120 s' }), all, since);
  assert.equal(
    v.reasons.map((r) => r.kind),
    ['unreadable'],
  );
});

test('a release not ready names it, its runlevel and its waiting objects', () => {
  const v = gateVerdict(
    reading({
      releases: [release('team-x-hello', { ready: false, notReady: ['Deployment/hello: 1/3 available'] })],
    }),
    all,
    since,
  );
  assert.equal(v.reasons, [
    {
      kind: 'not-ready',
      runlevel: '90-apps',
      release: 'team-x-hello',
      message: 'team-x-hello not ready: Deployment/hello: 1/3 available',
    },
  ]);
  assert.is(
    gateVerdict(reading({ releases: [release('r', { ready: false })] }), { ...all, ready: false }, since)
      .holds,
    true,
  );
});

test('drifted, out of sync or not deployed fails noDrift; not-deployed is not also "not ready"', () => {
  const releases = [
    release('a', { state: 'drifted' }),
    release('b', { state: 'out-of-sync' }),
    release('c', { state: 'not-deployed', ready: false }),
  ];
  const v = gateVerdict(reading({ releases }), all, since);
  assert.equal(
    v.reasons.map((r) => [r.kind, r.message]),
    [
      ['drifted', 'a is drifted'],
      ['drifted', 'b is out-of-sync'],
      ['drifted', 'c is not-deployed'],
    ],
  );
  assert.is(gateVerdict(reading({ releases }), { ...all, noDrift: false }, since).holds, true);
});

test('a release helm marks failed fails the gate whatever the switches', () => {
  const v = gateVerdict(
    reading({ releases: [release('x', { state: 'failed' })] }),
    { ready: false, noDrift: false, noFailedDeploy: false },
    since,
  );
  assert.equal(
    v.reasons.map((r) => r.kind),
    ['failed-release'],
  );
});

test('a failed deploy since the stage started fails with where; older, running and other commands do not', () => {
  const deploys = [
    deploy('2026-01-01T10:05:00.000Z', 'failed', {
      failure: {
        runlevel: '90-apps',
        release: 'team-x-hello',
        step: 'readiness',
        message: 'not ready in 8s',
      },
    }),
    deploy('2026-01-01T10:06:00.000Z', 'running'),
    deploy('2026-01-01T10:04:00.000Z', 'interrupted', { command: 'destroy' }),
    deploy('2026-01-01T09:00:00.000Z', 'failed'),
  ];
  const v = gateVerdict(reading({ deploys }), all, since);
  assert.equal(v.reasons, [
    {
      kind: 'failed-deploy',
      runlevel: '90-apps',
      release: 'team-x-hello',
      message: 'deploy d-2026-01-01T10:05:00.000Z failed at 90-apps / team-x-hello: not ready in 8s',
    },
  ]);
  assert.is(gateVerdict(reading({ deploys }), { ...all, noFailedDeploy: false }, since).holds, true);
});

test.run();
