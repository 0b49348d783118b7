// The pure part of `runlevel destroy` (core/deploy/destroy-plan.ts): what to uninstall, in which order.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { planDestroy } from '../../../core/deploy/destroy-plan.js';
import type { HelmRelease } from '../../../core/deploy/plan.js';
import type { DeployedRelease } from '../../../core/deploy/record.js';

const recorded = (name: string, runlevel: string, namespace = 'ns'): DeployedRelease => ({
  runlevel,
  name,
  namespace,
  chart: 'c-1.0.0',
  labels: {},
  digest: 'd',
  revision: 1,
  deployedAt: '2026-01-01T00:00:00Z',
});
const helm = (name: string, namespace = 'ns'): HelmRelease => ({
  name,
  namespace,
  revision: 1,
  status: 'deployed',
  chart: 'c-1.0.0',
});

test('one batch per runlevel, the last runlevel first, releases by name inside', () => {
  const plan = planDestroy(
    [
      recorded('init', '00-init'),
      recorded('web', '90-apps'),
      recorded('api', '90-apps'),
      recorded('team', '60-teams'),
    ],
    [],
    [],
  );
  assert.equal(
    plan.map((b) => [b.runlevel, b.releases.map((r) => r.name)]),
    [
      ['90-apps', ['api', 'web']],
      ['60-teams', ['team']],
      ['00-init', ['init']],
    ],
  );
});

test('rendered releases count only when helm has them; helm releases runlevel never named are left alone', () => {
  const plan = planDestroy(
    [recorded('init', '00-init')],
    [
      { runlevel: '90-apps', name: 'crashed-before-record', namespace: 'ns' },
      { runlevel: '90-apps', name: 'never-installed', namespace: 'ns' },
      { runlevel: '00-init', name: 'init', namespace: 'ns' },
    ],
    [helm('init'), helm('crashed-before-record'), helm('someone-elses')],
  );
  assert.equal(
    plan.flatMap((b) => b.releases.map((r) => r.name)),
    ['crashed-before-record', 'init'],
  );
});

test('the same name in two namespaces is two releases; nothing deployed is an empty plan', () => {
  const plan = planDestroy(
    [recorded('web', '90-apps', 'team-a'), recorded('web', '90-apps', 'team-b')],
    [],
    [],
  );
  assert.equal(
    plan[0]?.releases.map((r) => r.namespace),
    ['team-a', 'team-b'],
  );
  assert.equal(planDestroy([], [], [helm('x')]), []);
});

test.run();
