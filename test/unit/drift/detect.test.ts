// detectDrift (core/drift/index.ts): a release's manifest against what a reader returns, with
// missing objects, hooks left out, the release namespace as default, and ignore rules applied.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { describeDrift, detectDrift, driftItems, driftLines } from '../../../core/drift/index.js';
import { FakeCluster, liveKey } from '../../helpers/fake-cluster.js';

// biome-ignore lint/suspicious/noExplicitAny: tests reach into API objects of any shape
type Loose = Record<string, any>;

const manifest = `---
# Source: team/templates/networkpolicy.yaml
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  labels: { app.kubernetes.io/managed-by: Helm }
spec:
  podSelector: {}
  policyTypes: [Ingress]
---
# Source: team/templates/quota.yaml
apiVersion: v1
kind: ResourceQuota
metadata:
  name: quota
  namespace: team-a
spec:
  hard: { requests.cpu: "4", requests.memory: 8Gi }
---
# Source: team/templates/deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: team-a
spec:
  replicas: 2
---
# Source: team/templates/tests/hook.yaml
apiVersion: v1
kind: Pod
metadata:
  name: web-test
  annotations: { helm.sh/hook: test }
`;

function cluster(): FakeCluster {
  const c = new FakeCluster();
  const put = (o: Loose) =>
    c.live.set(
      liveKey({
        apiVersion: o.apiVersion,
        kind: o.kind,
        namespace: o.metadata.namespace,
        name: o.metadata.name,
      }),
      o,
    );
  put({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name: 'default-deny',
      namespace: 'team-a',
      labels: { 'app.kubernetes.io/managed-by': 'Helm' },
    },
    spec: { podSelector: {}, policyTypes: ['Ingress'] },
  });
  put({
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name: 'quota', namespace: 'team-a' },
    spec: { hard: { 'requests.cpu': '4', 'requests.memory': '8Gi' } },
    status: { used: {} },
  });
  put({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'team-a' },
    spec: { replicas: 2 },
  });
  return c;
}

const subject = { key: 'runlevel-system/team-a', namespace: 'team-a', manifest };

test('objects that hold what the manifest sets are no drift; a hook (never kept by helm) is not looked for', async () => {
  const c = cluster();
  const drift = await detectDrift([subject], c);
  assert.equal([...drift], []);
  assert.equal(c.journal, ['live 3'], 'one read for all objects, without the test hook');
});

test('a deleted policy and quota are missing, a scale is a changed field; the words say how much', async () => {
  const c = cluster();
  c.live.delete('networking.k8s.io/v1/NetworkPolicy/team-a/default-deny');
  c.live.delete('v1/ResourceQuota/team-a/quota');
  (c.live.get('apps/v1/Deployment/team-a/web') as Loose).spec.replicas = 0;
  const drift = (await detectDrift([subject], c)).get(subject.key);
  assert.ok(drift);
  assert.is(describeDrift(drift), '2 objects missing, 1 field changed');
  assert.equal(driftItems(drift), [
    'NetworkPolicy/team-a/default-deny (missing)',
    'ResourceQuota/team-a/quota (missing)',
    'Deployment/team-a/web spec.replicas',
  ]);
  assert.equal(driftLines(drift).at(-1), '~ Deployment/team-a/web spec.replicas: 0 (live), 2 (values)');
});

test('a field an ignore rule names is neither reported nor a reason to repair', async () => {
  const c = cluster();
  (c.live.get('apps/v1/Deployment/team-a/web') as Loose).spec.replicas = 7;
  const ignore = [{ kind: 'Deployment', name: 'web', path: 'spec.replicas' }];
  assert.equal([...(await detectDrift([subject], c, ignore))], []);
  const otherName = [{ kind: 'Deployment', name: 'api', path: 'spec.replicas' }];
  assert.is((await detectDrift([subject], c, otherName)).size, 1);
});

test.run();
