import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { maskSecretDocuments } from '../../../core/shared/secret-objects.js';

const configMap =
  '---\n# Source: app/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: "1"\n';
const secret = [
  '---',
  '# Source: app/templates/secret.yaml',
  'apiVersion: v1',
  'kind: Secret',
  'metadata:',
  '  name: s',
  'type: kubernetes.io/dockerconfigjson',
  'data:',
  '  .dockerconfigjson: eyJhdXRocyI6e319',
  'stringData:',
  '  token: generated-by-the-chart',
  '',
].join('\n');

test('every data and stringData value of a Secret is masked, whatever its key; its keys stay', () => {
  const { text, masked } = maskSecretDocuments(configMap + secret, '***');
  assert.is(masked, 1);
  assert.not.match(text, 'eyJhdXRocyI6e319');
  assert.not.match(text, 'generated-by-the-chart');
  assert.match(text, '---\n# Source: app/templates/secret.yaml\napiVersion: v1\nkind: Secret\n');
  assert.match(text, `  .dockerconfigjson: "***"\n`);
  assert.match(text, `  token: "***"\n`);
  assert.match(text, 'type: kubernetes.io/dockerconfigjson');
});

test('other documents, separators and comments stay byte for byte', () => {
  const stream = `${configMap}---\n# a comment\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n`;
  assert.equal(maskSecretDocuments(stream, '***'), { text: stream, masked: 0 });
  const { text } = maskSecretDocuments(configMap + secret + configMap, '***');
  assert.ok(text.startsWith(configMap) && text.endsWith(configMap));
});

test('a custom resource of kind Secret in another API group is not a Kubernetes Secret', () => {
  const other = '---\napiVersion: example.com/v1\nkind: Secret\nmetadata:\n  name: x\ndata:\n  a: b\n';
  assert.is(maskSecretDocuments(other, '***').masked, 0);
});

test('a Secret whose YAML does not parse is left out rather than shown', () => {
  const broken = '---\napiVersion: v1\nkind: Secret\ndata:\n  a: b\n  a: c\n';
  const { text, masked } = maskSecretDocuments(broken, '***');
  assert.is(masked, 1);
  assert.not.match(text, 'a: b');
});

test.run();
