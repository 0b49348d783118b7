import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { crdScopes, fileForSource, helmDocuments, splitManifest } from '../../../core/render/manifests.js';
import { objectHeader } from '../../../core/shared/yaml/object-header.js';

const manifest = [
  '---',
  '# Source: team/templates/networkpolicy.yaml',
  'apiVersion: networking.k8s.io/v1',
  'kind: NetworkPolicy',
  'metadata:',
  '  name: deny',
  '  namespace: team-a',
  '---',
  '# Source: team/templates/namespace.yaml',
  'apiVersion: v1',
  'kind: Namespace',
  'metadata:',
  '  name: team-a',
  '---',
  '# Source: team/templates/networkpolicy.yaml',
  'apiVersion: networking.k8s.io/v1',
  'kind: NetworkPolicy',
  'metadata:',
  '  name: allow',
  '---',
  '# Source: team/templates/empty.yaml',
  '# only a comment',
  '',
].join('\n');

const scope = (_a: string, kind: string, declared: string | undefined) =>
  kind === 'Namespace' ? undefined : (declared ?? 'runlevel-system');

test('documents are grouped per template file, in file order, byte for byte', () => {
  const { files } = splitManifest(manifest, '60-teams/team-a', scope);
  assert.equal(
    files.map((f) => f.path),
    ['empty.yaml', 'namespace.yaml', 'networkpolicy.yaml'],
  );
  const np = files.find((f) => f.path === 'networkpolicy.yaml');
  assert.is(np?.text.split('---\n').length, 3);
  assert.ok(np?.text.startsWith('---\n# Source: team/templates/networkpolicy.yaml\napiVersion'));
  const joined = helmDocuments(manifest)
    .map((d) => d.text)
    .join('');
  assert.is(joined, manifest);
});

test('every object is listed with its file, first line and effective namespace', () => {
  const { objects } = splitManifest(manifest, '60-teams/team-a', scope);
  assert.equal(objects, [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      namespace: 'team-a',
      name: 'deny',
      file: '60-teams/team-a/networkpolicy.yaml',
      line: 3,
    },
    { apiVersion: 'v1', kind: 'Namespace', name: 'team-a', file: '60-teams/team-a/namespace.yaml', line: 3 },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      namespace: 'runlevel-system',
      name: 'allow',
      file: '60-teams/team-a/networkpolicy.yaml',
      line: 10,
    },
  ]);
});

test('file names drop <chart>/templates/ and keep subchart paths', () => {
  assert.is(fileForSource('app/templates/deployment.yaml'), 'deployment.yaml');
  assert.is(fileForSource('app/templates/sub/x.yml'), 'sub/x.yml');
  assert.is(fileForSource('app/charts/db/templates/sts.yaml'), 'charts/db/templates/sts.yaml');
  assert.is(fileForSource('app/templates/notes.txt'), 'notes.txt.yaml');
});

test('CRDs rendered alongside tell which custom kinds are cluster-wide', () => {
  const crd = [
    '---',
    '# Source: x/templates/crd.yaml',
    'apiVersion: apiextensions.k8s.io/v1',
    'kind: CustomResourceDefinition',
    'metadata: { name: widgets.example.com }',
    'spec: { group: example.com, scope: Cluster, names: { kind: Widget } }',
    '',
  ].join('\n');
  assert.equal([...crdScopes([crd, manifest])], [['example.com/Widget', true]]);
});

test('the header scan agrees with a YAML parse, and falls back to it for unusual documents', () => {
  const block =
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels:\n    name: not-this\n  name: cm\n  namespace: ns\ndata:\n  name: nor-this\n';
  assert.equal(objectHeader(block), { apiVersion: 'v1', kind: 'ConfigMap', name: 'cm', namespace: 'ns' });
  assert.equal(objectHeader('apiVersion: v1\nkind: Secret\nmetadata: { name: s, namespace: n }\n'), {
    apiVersion: 'v1',
    kind: 'Secret',
    name: 's',
    namespace: 'n',
  });
  assert.equal(objectHeader('apiVersion: v1\nkind: Secret\nmetadata:\n  name: "quoted"\n'), {
    apiVersion: 'v1',
    kind: 'Secret',
    name: 'quoted',
    namespace: undefined,
  });
  assert.is(objectHeader('# only a comment\n'), undefined);
});

test.run();
