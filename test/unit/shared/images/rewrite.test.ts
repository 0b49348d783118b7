import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type ImageRewrite, rewriteManifest } from '../../../../core/shared/images/rewrite.js';

const digest = `sha256:${'d'.repeat(64)}`;
const rw: ImageRewrite = {
  mirror: 'm.example.com',
  digests: { 'docker.io/library/nginx:1.27': digest },
  fields: [
    { kind: 'Prometheus', path: 'spec.image' },
    { kind: 'Deployment', path: 'spec.template.spec.containers[*].args[*]', prefix: '--reloader=' },
  ],
};

const manifest = `---
# Source: c/templates/deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web # a comment stays
spec:
  template:
    spec:
      containers:
        - name: app
          image: "nginx:1.27"
          args: ["--reloader=quay.io/r/r:1", --other=quay.io/x/y:2]
        - name: side
          image: 'quay.io/a/b:3'
      initContainers:
        - {name: init, image: busybox:1.36}
---
# Source: c/templates/cr.yaml
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata:
  name: p
spec:
  image: quay.io/prometheus/prometheus:v3
---
# Source: c/templates/hook.yaml
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  annotations:
    helm.sh/hook: pre-install
spec:
  template:
    spec:
      containers:
        - name: m
          image: quay.io/m/m:1
---
# Source: c/templates/cm.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  image: quay.io/not/declared:1
`;

test('image scalars are rewritten in their own style; everything else is kept byte for byte', () => {
  const out = rewriteManifest(manifest, rw);
  const want = manifest
    .replace('image: "nginx:1.27"', `image: "m.example.com/docker.io/library/nginx:1.27@${digest}"`)
    .replace('"--reloader=quay.io/r/r:1"', '"--reloader=m.example.com/quay.io/r/r:1"')
    .replace("image: 'quay.io/a/b:3'", "image: 'm.example.com/quay.io/a/b:3'")
    .replace('image: busybox:1.36}', 'image: m.example.com/docker.io/library/busybox:1.36}')
    .replace(
      'image: quay.io/prometheus/prometheus:v3',
      'image: m.example.com/quay.io/prometheus/prometheus:v3',
    );
  assert.fixture(out, want);
});

test('hooks, undeclared fields and args without the declared prefix are left alone', () => {
  const out = rewriteManifest(manifest, rw);
  assert.match(out, 'image: quay.io/m/m:1\n');
  assert.match(out, 'image: quay.io/not/declared:1\n');
  assert.match(out, '--other=quay.io/x/y:2]');
});

test('the rewrite is idempotent, and a manifest without images comes back as it was', () => {
  const once = rewriteManifest(manifest, rw);
  assert.is(rewriteManifest(once, rw), once);
  const plain = '---\n# Source: c/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n';
  assert.is(rewriteManifest(plain, rw), plain);
  assert.is(rewriteManifest('', rw), '');
});

test('every pod-bearing kind is reached: CronJob, Pod, PodTemplate', () => {
  const kinds = `---
kind: CronJob
spec: {jobTemplate: {spec: {template: {spec: {containers: [{name: a, image: "nginx:1"}]}}}}}
---
kind: Pod
spec: {ephemeralContainers: [{name: d, image: "nginx:2"}]}
---
kind: PodTemplate
template: {spec: {containers: [{name: c, image: "nginx:3"}]}}
`;
  const out = rewriteManifest(kinds, { ...rw, digests: {} });
  for (const tag of ['1', '2', '3']) assert.match(out, `"m.example.com/docker.io/library/nginx:${tag}"`);
});

test.run();
