// Schemas for custom resources, taken from the CRDs themselves: every CustomResourceDefinition it
// is given (rendered, or from the crds/ of the platform's charts and sub-charts, see
// platform-crds.ts), and, for Gatekeeper's constraint kinds (which Gatekeeper creates as CRDs only
// at run time), from the ConstraintTemplates. Derived at check time, so a schema can never lag
// behind its CRD.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { convertSchema, type Schema } from './schemagen/convert.js';
import { schemaFileName } from './schemagen/openapi.js';

interface Crd {
  kind: 'CustomResourceDefinition';
  spec: {
    group: string;
    names: { kind: string };
    versions?: { name: string; served?: boolean; schema?: { openAPIV3Schema?: Schema } }[];
  };
}

interface ConstraintTemplate {
  kind: 'ConstraintTemplate';
  spec?: { crd?: { spec?: { names?: { kind?: string }; validation?: { openAPIV3Schema?: Schema } } } };
}

// A rendered object is read as the shape its kind and apiVersion name: the API server holds the
// chart to that shape, and the optional reads below keep a malformed object from crashing check.
function isCrd(body: Record<string, unknown>): body is Record<string, unknown> & Crd {
  return (
    body.kind === 'CustomResourceDefinition' && String(body.apiVersion).startsWith('apiextensions.k8s.io/')
  );
}

function isConstraintTemplate(
  body: Record<string, unknown>,
): body is Record<string, unknown> & ConstraintTemplate {
  return body.kind === 'ConstraintTemplate';
}

const stringList: Schema = { type: ['array', 'null'], items: { type: 'string' } };
const anyObject: Schema = { type: ['object', 'null'] };

export function customResourceSchemas(
  bodies: readonly Record<string, unknown>[],
  k8sDir: string,
): Map<string, Schema> {
  const out = new Map<string, Schema>();
  const resourceSchema = withObjectMeta(k8sDir);
  for (const body of bodies) {
    if (isCrd(body)) {
      const crd = body;
      for (const v of crd.spec?.versions ?? []) {
        const s = v.schema?.openAPIV3Schema;
        if (!s || v.served === false) continue;
        out.set(
          schemaFileName(`${crd.spec.group}/${v.name}`, crd.spec.names.kind),
          resourceSchema(convertSchema(s)),
        );
      }
    } else if (isConstraintTemplate(body)) {
      const names = body.spec?.crd?.spec;
      const kind = names?.names?.kind;
      if (!kind) continue;
      const schema = resourceSchema(constraintSchema(names.validation?.openAPIV3Schema));
      for (const version of ['v1alpha1', 'v1beta1', 'v1']) {
        out.set(schemaFileName(`constraints.gatekeeper.sh/${version}`, kind), schema);
      }
    }
  }
  return out;
}

/**
 * Every object has apiVersion, kind and metadata, whatever the CRD's schema lists. The API server
 * validates metadata as ObjectMeta itself (a CRD may only constrain name), so metadata gets the
 * ObjectMeta schema of the Kubernetes schemas (a ConfigMap's definitions are exactly its closure).
 */
function withObjectMeta(k8sDir: string): (s: Schema) => Schema {
  const configMap = JSON.parse(readFileSync(join(k8sDir, 'configmap-v1.json'), 'utf8')) as Schema;
  const definitions = configMap.definitions as Schema;
  const metadata = { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' };
  return (s) => {
    const properties = {
      ...(s.properties as Schema),
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata,
    };
    const required = [...new Set([...((s.required as string[]) ?? []), 'apiVersion', 'kind'])];
    return { ...s, properties, required, definitions };
  };
}

/** The constraint CRD Gatekeeper would generate: its match, enforcement and the template's parameters. */
function constraintSchema(parameters: Schema | undefined): Schema {
  const kinds = {
    type: ['array', 'null'],
    items: {
      type: 'object',
      additionalProperties: false,
      properties: { apiGroups: stringList, kinds: stringList },
    },
  };
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      spec: {
        type: ['object', 'null'],
        additionalProperties: false,
        properties: {
          enforcementAction: { type: ['string', 'null'] },
          scopedEnforcementActions: { type: ['array', 'null'] },
          match: {
            type: ['object', 'null'],
            additionalProperties: false,
            properties: {
              kinds,
              namespaces: stringList,
              excludedNamespaces: stringList,
              labelSelector: anyObject,
              namespaceSelector: anyObject,
              scope: { type: ['string', 'null'] },
              name: { type: ['string', 'null'] },
              source: { type: ['string', 'null'] },
            },
          },
          parameters: parameters ? convertSchema(parameters) : anyObject,
        },
      },
      status: anyObject,
    },
  };
}
