// The live comparison (core/drift/compare.ts): only fields a manifest sets count, what the API
// server rewrites without changing the meaning is not drift, and Secret values never come out.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compareObject } from '../../../core/drift/compare.js';
import { parseQuantity, sameQuantity } from '../../../core/drift/quantity.js';

// biome-ignore lint/suspicious/noExplicitAny: tests reach into API objects of any shape
type Loose = Record<string, any>;

const deployment = (container: Record<string, unknown> = {}, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'team-a', labels: { app: 'web' } },
  spec: {
    replicas: 2,
    template: {
      spec: {
        containers: [
          {
            name: 'app',
            image: 'nginx:1.27',
            ports: [{ name: 'http', containerPort: 8080 }],
            resources: { requests: { cpu: 0.5, memory: '1Gi' }, limits: { cpu: '1', memory: '1024Mi' } },
            ...container,
          },
        ],
      },
    },
    ...spec,
  },
});

/** What the API server gives back for `deployment()`: canonical quantities, defaults, status. */
function liveOf(want: ReturnType<typeof deployment>) {
  const live = structuredClone(want) as Loose;
  live.metadata = {
    ...live.metadata,
    uid: 'u-1',
    resourceVersion: '42',
    labels: { ...live.metadata.labels, extra: 'by-hand-is-fine' },
    annotations: { 'meta.helm.sh/release-name': 'web', 'deployment.kubernetes.io/revision': '3' },
  };
  live.spec.progressDeadlineSeconds = 600;
  live.spec.strategy = { type: 'RollingUpdate' };
  const c = live.spec.template.spec.containers[0];
  c.resources = { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } };
  c.ports[0].protocol = 'TCP';
  c.terminationMessagePath = '/dev/termination-log';
  live.status = { replicas: 2, readyReplicas: 2 };
  return live;
}

test('a live object with server defaults, extra metadata, status and canonical quantities is in sync', () => {
  const want = deployment();
  assert.equal(compareObject(want, liveOf(want)), []);
});

test('kubectl set image and a scale to 0 are changes, each at its path with both values', () => {
  const want = deployment();
  const live = liveOf(want);
  live.spec.replicas = 0;
  live.spec.template.spec.containers[0].image = 'busybox:1';
  assert.equal(compareObject(want, live), [
    { path: 'spec.replicas', want: '2', live: '0' },
    { path: 'spec.template.spec.containers[name=app].image', want: 'nginx:1.27', live: 'busybox:1' },
  ]);
});

test('quantities compare by value: 0.5 = 500m, 1Gi = 1024Mi, 1e3 = 1k; a different value is a change', () => {
  assert.is(parseQuantity('500m'), 0.5);
  assert.is(parseQuantity('1Gi'), 1024 ** 3);
  assert.ok(sameQuantity(0.5, '500m'));
  assert.ok(sameQuantity('1Gi', '1024Mi'));
  assert.ok(sameQuantity('1e3', '1k'));
  assert.ok(sameQuantity('100m', '0.1'));
  assert.not.ok(sameQuantity('1G', '1Gi'));
  assert.not.ok(sameQuantity('nginx', 'nginx'), 'not a quantity');
  const want = deployment();
  const live = liveOf(want);
  live.spec.template.spec.containers[0].resources.limits.memory = '2Gi';
  assert.equal(compareObject(want, live), [
    {
      path: 'spec.template.spec.containers[name=app].resources.limits.memory',
      want: '1024Mi',
      live: '2Gi',
    },
  ]);
});

test('zero values the server leaves out (false, 0, "", {}, []) equal absent; a manifest null sets nothing', () => {
  const want = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 's', annotations: {} },
    spec: {
      publishNotReadyAddresses: false,
      sessionAffinityConfig: {},
      externalIPs: [],
      loadBalancerIP: '',
      x: null,
    },
  };
  const live = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { type: 'ClusterIP' } };
  assert.equal(compareObject(want, live), []);
  live.spec = { type: 'ClusterIP', publishNotReadyAddresses: true } as typeof live.spec;
  assert.equal(compareObject(want, live), [
    { path: 'spec.publishNotReadyAddresses', want: 'false', live: 'true' },
  ]);
});

test('int-or-string: a named targetPort stays a name, a number stays a number; a number may come back as its string', () => {
  const want = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 's' },
    spec: {
      ports: [
        { name: 'http', port: 80, targetPort: 'http' },
        { name: 'metrics', port: 9090, targetPort: 9090 },
      ],
    },
  };
  const live = structuredClone(want) as Loose;
  live.spec.ports[0].protocol = 'TCP';
  live.spec.ports[1].targetPort = '9090';
  assert.equal(compareObject(want, live), []);
  live.spec.ports[0].targetPort = 8080;
  assert.equal(compareObject(want, live), [
    { path: 'spec.ports[name=http].targetPort', want: 'http', live: '8080' },
  ]);
});

test('items of merged lists match by key: a sidecar added by a webhook is not drift, a container removed is', () => {
  const want = deployment();
  const live = liveOf(want);
  live.spec.template.spec.containers.unshift({ name: 'istio-proxy', image: 'proxy' });
  assert.equal(compareObject(want, live), [], 'order and extra items do not count');
  live.spec.template.spec.containers = [{ name: 'istio-proxy', image: 'proxy' }];
  const changes = compareObject(want, live);
  assert.is(changes.length, 1);
  assert.is(changes[0]?.path, 'spec.template.spec.containers[name=app]');
  assert.is(changes[0]?.live, '(absent)');
});

test('lists without a merge key compare item by item: an ingress rule added to a default-deny policy is drift', () => {
  const want = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'default-deny' },
    spec: { podSelector: {}, policyTypes: ['Ingress'] },
  };
  const live = structuredClone(want) as Loose;
  assert.equal(compareObject(want, live), []);
  live.spec.ingress = [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }];
  assert.equal(compareObject(want, live), [], 'ingress is a field the manifest does not set');
  live.spec.policyTypes = ['Ingress', 'Egress'];
  assert.equal(compareObject(want, live), [
    { path: 'spec.policyTypes', want: '["Ingress"]', live: '["Ingress","Egress"]' },
  ]);
});

test('labels and annotations the manifest sets are compared; keys with dots are quoted in the path', () => {
  const want = deployment();
  const live = liveOf(want);
  delete live.metadata.labels.app;
  live.metadata.labels['app.kubernetes.io/name'] = 'x';
  const wantDotted = { ...want, metadata: { ...want.metadata, labels: { 'app.kubernetes.io/name': 'web' } } };
  assert.equal(compareObject(want, live), [{ path: 'metadata.labels.app', want: 'web', live: '(absent)' }]);
  assert.equal(compareObject(wantDotted, live), [
    { path: 'metadata.labels["app.kubernetes.io/name"]', want: 'web', live: 'x' },
  ]);
});

test('Secret data compares by key and bytes, stringData as the server folds it into data; no value is ever returned', () => {
  const want = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'db', labels: { app: 'db' } },
    type: 'Opaque',
    data: { password: Buffer.from('s3cr3t-old').toString('base64') },
    stringData: { token: 'tok-123' },
  };
  const live = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'db', labels: { app: 'db' } },
    type: 'Opaque',
    data: {
      password: Buffer.from('s3cr3t-old').toString('base64'),
      token: Buffer.from('tok-123').toString('base64'),
      added: 'eA==',
    },
  };
  assert.equal(compareObject(want, live), []);
  live.data.password = Buffer.from('s3cr3t-new').toString('base64');
  live.data.token = Buffer.from('tok-456').toString('base64');
  live.metadata.labels.app = 'other';
  const changes = compareObject(want, live);
  assert.equal(changes, [{ path: 'metadata.labels.app' }, { path: 'data.password' }, { path: 'data.token' }]);
  const text = JSON.stringify(changes);
  for (const secret of ['s3cr3t', 'tok-', 'other', Buffer.from('s3cr3t-new').toString('base64')])
    assert.not.ok(text.includes(secret), secret);
});

test('ConfigMap data is text: "1.0" and "1" differ there, though they are the same quantity elsewhere', () => {
  const want = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { version: '1.0' } };
  const live = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { version: '1' } };
  assert.equal(compareObject(want, live), [{ path: 'data.version', want: '1.0', live: '1' }]);
});

test('long values are shortened in what is printed', () => {
  const want = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'c' },
    data: { big: 'a'.repeat(500) },
  };
  const live = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { big: 'b' } };
  const [change] = compareObject(want, live);
  assert.is(change?.want?.length, 80);
  assert.ok(change?.want?.endsWith('…'));
});

test.run();
