import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  type DesiredRelease,
  type HelmRelease,
  parseDuration,
  planDeploy,
  ReleaseState,
  type RunlevelSettings,
  releaseDigest,
} from '../../../core/deploy/plan.js';
import type { DeployedRelease } from '../../../core/deploy/record.js';

const runlevels: RunlevelSettings[] = [
  { name: '00-init', settings: { timeout: '60s', after: 'wait-crds' } },
  {
    name: '60-teams',
    settings: { before: 'label-policy-exceptions', after: 'copy-platform-ca,team-credentials' },
  },
  { name: '90-apps', settings: {} },
];

function desired(name: string, runlevel: string, extra: Partial<DesiredRelease> = {}): DesiredRelease {
  return {
    runlevel,
    name,
    namespace: 'ns',
    chart: { name: 'c', version: '1.0.0', path: 'charts/c' },
    labels: { runlevel, app: name },
    inputDigest: `i-${name}`,
    objects: [{ kind: 'Deployment', apiVersion: 'apps/v1', name, namespace: 'ns' }],
    ...extra,
  };
}

function deployedFrom(r: DesiredRelease, revision: number): DeployedRelease {
  return {
    runlevel: r.runlevel,
    name: r.name,
    namespace: r.namespace,
    chart: 'c-1.0.0',
    labels: r.labels,
    digest: releaseDigest(r),
    revision,
    deployedAt: '2026-01-01T00:00:00Z',
  };
}

const helmOf = (
  r: { name: string; namespace: string },
  revision: number,
  status = 'deployed',
): HelmRelease => ({
  name: r.name,
  namespace: r.namespace,
  revision,
  status,
  chart: 'c-1.0.0',
});

test('a fresh cluster installs everything, runlevel by runlevel, CRD and namespace releases first', () => {
  const crds = desired('crds', '00-init', {
    objects: [{ kind: 'CustomResourceDefinition', apiVersion: 'apiextensions.k8s.io/v1', name: 'x.y' }],
  });
  const plan = planDeploy({
    runlevels,
    desired: [desired('web', '90-apps'), desired('other', '00-init'), crds, desired('team-a', '60-teams')],
    deployed: {},
    helm: [],
  });
  assert.equal(
    plan.runlevels.map((r) => r.waves.map((w) => w.map((p) => `${p.release.name}:${p.action}`))),
    [[['crds:install'], ['other:install']], [['team-a:install']], [['web:install']]],
  );
  assert.is(plan.changes, 4);
  assert.equal(plan.runlevels[0]?.after, ['wait-crds']);
  assert.equal(plan.runlevels[1]?.before, ['label-policy-exceptions']);
  assert.equal(plan.runlevels[1]?.after, ['copy-platform-ca', 'team-credentials']);
  assert.is(plan.runlevels[0]?.timeoutMs, 60_000);
});

test('helmfile needs order releases inside a runlevel into successive waves', () => {
  const templates = desired('policy-templates', '60-teams');
  const constraints = desired('policy-constraints', '60-teams', { needs: ['ns/policy-templates'] });
  const audit = desired('audit', '60-teams', { needs: ['policy-constraints'] });
  const other = desired('other', '60-teams');
  const plan = planDeploy({
    runlevels,
    desired: [audit, constraints, templates, other],
    deployed: {},
    helm: [],
  });
  assert.equal(
    plan.runlevels[1]?.waves.map((w) => w.map((p) => p.release.name)),
    [['policy-templates', 'other'], ['policy-constraints'], ['audit']],
  );
});

test('a release whose digest matches the deployed one is unchanged; --force upgrades it', () => {
  const web = desired('web', '90-apps');
  const input = {
    runlevels,
    desired: [web],
    deployed: { 'ns/web': deployedFrom(web, 3) },
    helm: [helmOf(web, 3)],
  };
  assert.is(planDeploy(input).runlevels[2]?.waves[0]?.[0]?.action, 'unchanged');
  assert.is(planDeploy(input).changes, 0);
  const forced = planDeploy({ ...input, force: true }).runlevels[2]?.waves[0]?.[0];
  assert.is(forced?.action, 'upgrade');
  assert.is(forced?.previousRevision, 3);
});

test('changed values, a helm revision made by hand and a failed release are all upgraded, with the reason', () => {
  const web = desired('web', '90-apps');
  const changed = { ...web, inputDigest: 'i-new' };
  const reason = (d: DesiredRelease, helm: HelmRelease) =>
    planDeploy({ runlevels, desired: [d], deployed: { 'ns/web': deployedFrom(web, 3) }, helm: [helm] })
      .runlevels[2]?.waves[0]?.[0]?.reason;
  assert.is(reason(changed, helmOf(web, 3)), 'changed');
  assert.match(reason(web, helmOf(web, 4)) ?? '', 'drift');
  assert.is(reason(web, helmOf(web, 4, 'failed')), 'helm status failed');
});

test('a release helm left pending (killed deploy) is first recovered: rolled back, or uninstalled if it was new', () => {
  const web = desired('web', '90-apps');
  const deployed = { 'ns/web': deployedFrom(web, 3) };
  const upgrade = planDeploy({
    runlevels,
    desired: [web],
    deployed,
    helm: [helmOf(web, 4, 'pending-upgrade')],
  }).runlevels[2]?.waves[0]?.[0];
  assert.is(upgrade?.recover, 'rollback');
  assert.is(upgrade?.previousRevision, 3);
  const install = planDeploy({
    runlevels,
    desired: [web],
    deployed: {},
    helm: [helmOf(web, 1, 'pending-install')],
  }).runlevels[2]?.waves[0]?.[0];
  assert.is(install?.recover, 'uninstall');
  assert.is(install?.action, 'install');
});

test('releases gone from the values are pruned in reverse runlevel order; --no-prune keeps them', () => {
  const a = desired('a', '60-teams');
  const b = desired('b', '90-apps');
  const deployed = { 'ns/a': deployedFrom(a, 1), 'ns/b': deployedFrom(b, 1) };
  const plan = planDeploy({ runlevels, desired: [], deployed, helm: [helmOf(a, 1), helmOf(b, 1)] });
  assert.equal(
    plan.prune.map((p) => p.name),
    ['b', 'a'],
  );
  assert.equal(planDeploy({ runlevels, desired: [], deployed, helm: [], prune: false }).prune, []);
});

test('a --selector deploy prunes only releases its selector matches', () => {
  const a = desired('a', '90-apps');
  const b = desired('b', '90-apps');
  const deployed = { 'ns/a': deployedFrom(a, 1), 'ns/b': deployedFrom(b, 1) };
  const plan = planDeploy({ runlevels, desired: [], deployed, helm: [], selects: (l) => l.app === 'a' });
  assert.equal(
    plan.prune.map((p) => p.name),
    ['a'],
  );
});

test('--timeout caps each runlevel readiness timeout', () => {
  const plan = planDeploy({ runlevels, desired: [], deployed: {}, helm: [], timeoutCapMs: 5_000 });
  assert.equal(
    plan.runlevels.map((r) => r.timeoutMs),
    [5_000, 5_000, 5_000],
  );
});

test('durations', () => {
  assert.is(parseDuration('90s'), 90_000);
  assert.is(parseDuration('1h30m'), 5_400_000);
  assert.is(parseDuration('300'), 300_000);
  assert.is(parseDuration('5 minutes'), undefined);
  assert.is(parseDuration(undefined), undefined);
});

test('each release gets one state of the closed set; --force changes the action, not the state', () => {
  const [same, changed, byHand, failed, missing, foreign] = [
    desired('same', '90-apps'),
    desired('changed', '90-apps'),
    desired('by-hand', '90-apps'),
    desired('failed', '90-apps'),
    desired('missing', '90-apps'),
    desired('foreign', '90-apps'),
  ] as const;
  const deployed = Object.fromEntries(
    [same, changed, byHand, failed].map((r) => [`ns/${r.name}`, deployedFrom(r, 1)]),
  );
  deployed['ns/changed'] = { ...deployedFrom(changed, 1), digest: 'an older input' };
  const helm = [
    helmOf(same, 1),
    helmOf(changed, 1),
    helmOf(byHand, 2),
    helmOf(failed, 2, 'failed'),
    helmOf(foreign, 1),
  ];
  const all = [same, changed, byHand, failed, missing, foreign];
  const states = (force?: boolean) =>
    Object.fromEntries(
      planDeploy({ runlevels, desired: all, deployed, helm, force })
        .runlevels.flatMap((rl) => rl.waves.flat())
        .map((p) => [p.release.name, p.state]),
    );
  const expected = {
    same: ReleaseState.InSync,
    changed: ReleaseState.OutOfSync,
    'by-hand': ReleaseState.Drifted,
    failed: ReleaseState.Failed,
    missing: ReleaseState.Missing,
    foreign: ReleaseState.OutOfSync, // in helm, never deployed by runlevel
  };
  assert.equal(states(), expected);
  assert.equal(states(true), expected);
});

test.run();
