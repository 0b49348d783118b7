// The rehearsal's pure middle: two cores' renders compared release by release and object by
// object, Secrets masked (a changed one says "changed", its values appear nowhere), and the report
// as people read it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compareRenders, formatUpgradeText, type UpgradeReport } from '../../../core/upgrade/index.js';
import type { ReleaseRender } from '../../../core/upgrade/types.js';

const deployment = (name: string, extra = '') => `---
# Source: app/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: 2
${extra}  selector:
    matchLabels:
      app: ${name}
`;
const service = (name: string) => `---
# Source: app/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  ports:
    - port: 80
`;
const b64 = (s: string) => Buffer.from(s).toString('base64');
const secret = (password: string) => `---
# Source: sso/templates/secret.yaml
apiVersion: v1
kind: Secret
metadata:
  name: admin
data:
  username: ${b64('admin')}
  password: ${b64(password)}
`;
const rel = (runlevel: string, name: string, manifest: string): ReleaseRender => ({
  runlevel,
  name,
  namespace: `ns-${name}`,
  manifest,
});
const labels = { labels: { from: 'core 0.1.0', to: 'core 0.3.0' } };

test('only what differs is listed: a changed object with a diff of its field, added and pruned releases, the rest counted', () => {
  const before = [
    rel('90-apps', 'web', deployment('web') + service('web')),
    rel('90-apps', 'api', deployment('api')),
    rel('20-ingress', 'old', service('old')),
  ];
  const after = [
    rel('90-apps', 'web', deployment('web', '  revisionHistoryLimit: 3\n') + service('web')),
    rel('90-apps', 'api', deployment('api')),
    rel('10-policies', 'new', service('new')),
  ];
  const c = compareRenders(before, after, labels);
  assert.equal(
    c.releases.map((r) => [r.runlevel, r.release, r.action]),
    [
      ['10-policies', 'new', 'install'],
      ['20-ingress', 'old', 'prune'],
      ['90-apps', 'web', 'upgrade'],
    ],
  );
  assert.is(c.unchanged, 1);
  assert.equal(c.objects, { added: 1, removed: 1, changed: 1 });
  const web = c.releases[2]?.objects;
  assert.equal(web?.added, []);
  assert.equal(
    web?.changed.map((o) => `${o.kind}/${o.name}`),
    ['Deployment/web'],
    'the Service is the same: not named',
  );
  const diff = web?.changed[0]?.diff ?? '';
  assert.match(diff, '--- Deployment/web (core 0.1.0)\n+++ Deployment/web (core 0.3.0)\n');
  assert.match(diff, '+  revisionHistoryLimit: 3\n');
  assert.is(diff.split('\n').filter((l) => /^[-+][^-+]/.test(l)).length, 1, diff);
});

test('a changed Secret says changed, an unchanged key unchanged, and no value appears anywhere', () => {
  const c = compareRenders(
    [rel('30-sso', 'sso', secret('old-Passw0rd'))],
    [rel('30-sso', 'sso', secret('new-Passw0rd'))],
    labels,
  );
  const changed = c.releases[0]?.objects.changed[0];
  assert.equal(changed?.secretKeys, { 'data.username': 'unchanged', 'data.password': 'changed' });
  assert.match(changed?.diff ?? '', '+  password: "*** (changed)"');
  const all = JSON.stringify(c);
  for (const v of ['old-Passw0rd', 'new-Passw0rd', b64('old-Passw0rd'), b64('new-Passw0rd'), b64('admin')])
    assert.not.ok(all.includes(v), v);
  // The same Secret on both sides is no change at all.
  const same = compareRenders(
    [rel('30-sso', 'sso', secret('x'))],
    [rel('30-sso', 'sso', secret('x'))],
    labels,
  );
  assert.equal(same.releases, []);
  assert.is(same.unchanged, 1);
});

test('the report: migrations with their file diffs, both comparisons, the clusters left behind, one summary line', () => {
  const render = compareRenders(
    [rel('90-apps', 'web', deployment('web'))],
    [rel('90-apps', 'web', deployment('web', '  revisionHistoryLimit: 3\n'))],
    labels,
  );
  const report: UpgradeReport = {
    cluster: 'dev',
    from: { core: '0.1.0', contract: 2 },
    to: { core: '0.3.0', contract: 3 },
    newCore: { verified: true },
    migrations: [{ to: 3, title: 'x is now y' }],
    values: [
      {
        path: 'common/apps/web.yaml',
        encrypted: false,
        diff: '--- a/x\n+++ b/x\n@@ -1 +1 @@\n-x: 1\n+y: 1\n',
      },
    ],
    render,
    live: compareRenders([], [], labels),
    otherClusters: [{ cluster: 'prod', core: '0.1.0' }],
  };
  const text = formatUpgradeText(report);
  assert.match(text, /^upgrade dev: core 0\.1\.0 → 0\.3\.0, values contract 2 → 3\n/);
  assert.match(text, 'values: 1 migration, 1 file changed\n  3: x is now y\n  --- a/x\n');
  assert.match(text, '⚠ prod is pinned to core 0.1.0');
  assert.match(text, 'render: core 0.3.0 against core 0.1.0\nrunlevel 90-apps\n');
  assert.match(text, '~ Deployment/web\n');
  assert.match(
    text,
    'cluster: core 0.3.0 against what is deployed on dev\n  no changes (0 releases the same)',
  );
  assert.match(
    text,
    /\ncore 0\.3\.0 changes 1 release \(0 added, 1 changed, 0 removed objects\), 0 unchanged against core 0\.1\.0; on the cluster: 0 releases/,
  );
});

test.run();
