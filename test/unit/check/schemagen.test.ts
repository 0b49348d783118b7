import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { convertSchema } from '../../../core/check/schemagen/convert.js';
import { kindSchemasFromOpenApi, schemaFileName } from '../../../core/check/schemagen/openapi.js';

test('file names follow kubeconform: kind, first label of the group, version', () => {
  assert.is(schemaFileName('apps/v1', 'Deployment'), 'deployment-apps-v1.json');
  assert.is(schemaFileName('networking.k8s.io/v1', 'Ingress'), 'ingress-networking-v1.json');
  assert.is(schemaFileName('v1', 'Pod'), 'pod-v1.json');
  assert.is(
    schemaFileName('constraints.gatekeeper.sh/v1beta1', 'RunlevelImageTag'),
    'runlevelimagetag-constraints-v1beta1.json',
  );
});

test('int-or-string and quantities accept what the API server decodes', () => {
  assert.equal(convertSchema({ type: 'string', format: 'int-or-string' }), {
    oneOf: [{ type: 'string' }, { type: 'integer' }],
  });
  const q = new Set(['io.k8s.apimachinery.pkg.api.resource.Quantity']);
  assert.equal(
    convertSchema(
      { $ref: '#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity' },
      { quantityRefs: q },
    ),
    {
      oneOf: [{ type: 'string' }, { type: 'number' }],
    },
  );
});

test('strict: known properties close the object, optional values may be null, descriptions go', () => {
  const out = convertSchema({
    type: 'object',
    description: 'x',
    properties: { a: { type: 'string', description: 'y' } },
  });
  assert.equal(out, {
    type: ['object', 'null'],
    properties: { a: { type: ['string', 'null'] } },
    additionalProperties: false,
  });
});

test('x-kubernetes-preserve-unknown-fields keeps the object open', () => {
  assert.equal(convertSchema({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }), {});
  const withProps = convertSchema({
    type: 'object',
    'x-kubernetes-preserve-unknown-fields': true,
    properties: { a: { type: 'integer' } },
  });
  assert.is(withProps.additionalProperties, undefined);
});

test('a kind schema embeds only the definitions it reaches and requires apiVersion and kind', () => {
  const doc = {
    definitions: {
      'io.k8s.api.core.v1.ConfigMap': {
        type: 'object',
        properties: {
          metadata: { $ref: '#/definitions/meta.ObjectMeta' },
          data: { type: 'object', additionalProperties: { type: 'string' } },
        },
        'x-kubernetes-group-version-kind': [{ group: '', version: 'v1', kind: 'ConfigMap' }],
      },
      'meta.ObjectMeta': { type: 'object', properties: { name: { type: 'string' } } },
      'io.k8s.api.core.v1.Unrelated': { type: 'object' },
      'io.k8s.apimachinery.pkg.apis.meta.v1.Status': {
        type: 'object',
        'x-kubernetes-group-version-kind': [{ group: '', version: 'v1', kind: 'Status' }],
      },
    },
  };
  const kinds = kindSchemasFromOpenApi(doc);
  assert.equal(
    kinds.map((k) => k.file),
    ['configmap-v1.json'],
  );
  const schema = kinds[0]?.schema as Record<string, unknown>;
  assert.equal(Object.keys(schema.definitions as object), ['meta.ObjectMeta']);
  assert.equal(schema.required, ['apiVersion', 'kind']);
});

test.run();
