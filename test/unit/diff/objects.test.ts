import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { DeployPlan, DesiredRelease, PlannedRelease } from '../../../core/deploy/plan.js';
import { type DiffReport, diffPlatform, formatDiffText } from '../../../core/diff/index.js';
import { diffManifests } from '../../../core/diff/objects.js';
import { maskSecretPair } from '../../../core/diff/secrets.js';

const deployment = (replicas: number, image = 'nginx:1.27') => `---
# Source: app/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: web
  template:
    spec:
      containers:
        - name: web
          image: "${image}"
`;
const service = `---
# Source: app/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
    - port: 80
`;
const configMap = `---
# Source: app/templates/cm.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: other
data:
  a: "1"
`;
const b64 = (s: string) => Buffer.from(s).toString('base64');
const secret = (password: string, user = 'admin', extra = '') => `---
# Source: sso/templates/secrets.yaml
apiVersion: v1
kind: Secret
metadata:
  name: keycloak-admin
type: Opaque
data:
  username: ${b64(user)}
  password: ${b64(password)}
${extra}`;

test('objects added, removed and changed; the changed one carries a unified diff of its field', () => {
  const d = diffManifests(deployment(1) + service, deployment(2) + configMap);
  assert.equal(
    d.added.map((o) => `${o.kind}/${o.namespace ?? ''}/${o.name}`),
    ['ConfigMap/other/settings'],
  );
  assert.equal(
    d.removed.map((o) => `${o.kind}/${o.name}`),
    ['Service/web'],
  );
  assert.is(d.changed.length, 1);
  const [c] = d.changed;
  assert.is(c?.kind, 'Deployment');
  assert.match(
    c?.diff ?? '',
    /^--- Deployment\/web \(deployed\)\n\+\+\+ Deployment\/web \(values on disk\)\n@@ /,
  );
  assert.match(c?.diff ?? '', /^- {2}replicas: 1$/m);
  assert.match(c?.diff ?? '', /^\+ {2}replicas: 2$/m);
  // three lines of context around the one change, nothing more
  assert.is(c?.diff.split('\n').filter((l) => l.startsWith(' ')).length, 6);
});

test('comments, quoting and document order do not count as changes', () => {
  const reordered =
    service +
    deployment(1)
      .replace('"nginx:1.27"', 'nginx:1.27')
      .replace('# Source: app/templates/deployment.yaml', '# Source: moved.yaml');
  const d = diffManifests(deployment(1) + service, reordered);
  assert.equal(d, { added: [], removed: [], changed: [] });
});

test('a new API version of the same kind is a change, not a remove and an add', () => {
  const v2 = deployment(1).replace('apps/v1', 'apps/v2');
  const d = diffManifests(deployment(1), v2);
  assert.is(d.added.length + d.removed.length, 0);
  assert.match(d.changed[0]?.diff ?? '', /^\+apiVersion: apps\/v2$/m);
});

test('a changed Secret value shows as *** (changed); neither the old nor the new value appears', () => {
  const d = diffManifests(secret('old-Passw0rd', 'ops-user'), secret('new-Passw0rd', 'ops-user'));
  const [c] = d.changed;
  assert.ok(c);
  assert.equal(c.secretKeys, { 'data.username': 'unchanged', 'data.password': 'changed' });
  assert.match(c.diff, /^- {2}password: "?\*\*\*"?$/m);
  assert.match(c.diff, /^\+ {2}password: "?\*\*\* \(changed\)"?$/m);
  assert.match(c.diff, /^ {3}username: "?\*\*\* \(unchanged\)"?$/m);
  for (const plain of ['old-Passw0rd', 'new-Passw0rd', 'ops-user']) {
    assert.not.ok(c.diff.includes(plain), plain);
    assert.not.ok(c.diff.includes(b64(plain)), `base64 of ${plain}`);
  }
});

test('an unchanged Secret is no change; keys added and removed are named, values hidden', () => {
  assert.equal(diffManifests(secret('same'), secret('same')).changed, []);
  const withKey = secret('same', 'admin', '  db-password: c2VjcmV0LWRi\n');
  const added = diffManifests(secret('same'), withKey).changed[0];
  assert.equal(added?.secretKeys?.['data.db-password'], 'added');
  assert.match(added?.diff ?? '', /^\+ {2}db-password: "?\*\*\* \(added\)"?$/m);
  assert.not.ok(added?.diff.includes('c2VjcmV0LWRi'));
  const removed = diffManifests(withKey, secret('same')).changed[0];
  assert.equal(removed?.secretKeys?.['data.db-password'], 'removed');
  assert.match(removed?.diff ?? '', /^- {2}db-password: "?\*\*\*"?$/m);
});

test('stringData and metadata changes of a Secret: metadata readable, values masked', () => {
  const from = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's', labels: { a: '1' } },
    stringData: { token: 'tok-123456' },
  };
  const to = { ...from, metadata: { name: 's', labels: { a: '2' } } };
  const m = maskSecretPair(from, to);
  assert.equal(m.keys, { 'stringData.token': 'unchanged' });
  assert.equal((m.to as { stringData: unknown }).stringData, { token: '*** (unchanged)' });
  assert.is((from.stringData as { token: string }).token, 'tok-123456', 'the input is not modified');
});

// --- the stage: only releases the plan touches are read

function planned(name: string, action: PlannedRelease['action'], reason = 'changed'): PlannedRelease {
  const release: DesiredRelease = {
    runlevel: '90-apps',
    name,
    namespace: 'team-a',
    chart: { name: 'app', version: '1.0.0', path: 'charts/app' },
    labels: {},
    inputDigest: 'i',
    objects: [],
  };
  return {
    release,
    digest: 'd',
    action,
    state: action === 'unchanged' ? 'InSync' : 'OutOfSync',
    reason,
    previousRevision: 1,
  };
}

async function report(): Promise<{ report: DiffReport; reads: string[] }> {
  const plan: DeployPlan = {
    runlevels: [
      {
        name: '90-apps',
        timeoutMs: 1,
        before: [],
        after: [],
        waves: [
          [
            planned('same', 'unchanged', 'digest matches'),
            planned('web', 'upgrade'),
            planned('fresh', 'install', 'not installed'),
          ],
        ],
      },
    ],
    prune: [{ runlevel: '90-apps', name: 'gone', namespace: 'team-a' }],
    changes: 3,
  };
  const reads: string[] = [];
  const deployed: Record<string, string> = {
    web: deployment(1),
    gone: service + configMap,
    same: 'never read',
  };
  const r = await diffPlatform({
    cluster: 'dev',
    plan,
    manifests: new Map([
      ['team-a/web', deployment(3)],
      ['team-a/fresh', service],
      ['team-a/same', deployment(1)],
    ]),
    deployedManifest: async (name) => {
      reads.push(name);
      return deployed[name];
    },
  });
  return { report: r, reads };
}

test('unchanged releases are not read; installs, upgrades and prunes are reported with their objects', async () => {
  const { report: r, reads } = await report();
  assert.equal(reads.sort(), ['gone', 'web']);
  assert.is(r.changes, 3);
  assert.is(r.unchanged, 1);
  const by = Object.fromEntries(r.releases.map((x) => [x.release, x]));
  assert.is(by.fresh?.action, 'install');
  assert.equal(
    by.fresh?.objects.added.map((o) => o.kind),
    ['Service'],
  );
  assert.is(by.web?.action, 'upgrade');
  assert.match(by.web?.objects.changed[0]?.diff ?? '', '+  replicas: 3');
  assert.is(by.gone?.action, 'prune');
  assert.equal(by.gone?.objects.removed.map((o) => o.kind).sort(), ['ConfigMap', 'Service']);
});

test('the text report: releases under their runlevel, object marks, the diff and a summary', async () => {
  const text = formatDiffText((await report()).report);
  assert.match(text, /^runlevel 90-apps$/m);
  assert.match(text, /^ {2}~ web \(team-a\): upgrade \(changed\): 0 added, 1 changed, 0 removed$/m);
  assert.match(text, /^ {6}~ Deployment\/web$/m);
  assert.match(text, /^ {8}\+ {2}replicas: 3$/m);
  assert.match(text, /^ {2}\+ fresh \(team-a\): install, 1 object$/m);
  assert.match(text, /^ {2}- gone \(team-a\): prune, 2 objects$/m);
  assert.match(text, /^3 releases to change: 1 to install, 1 to upgrade, 1 to prune \(1 unchanged\)$/m);
  assert.not.match(text, 'same');
  const none = formatDiffText({ cluster: 'dev', changes: 0, unchanged: 4, releases: [] });
  assert.is(none, 'no changes: 4 releases match what is deployed');
});

test.run();
