// Turns an OpenAPI schema node (the API server's v2 document, or a CRD's openAPIV3Schema) into
// the JSON Schema draft-4 that kubeconform validates with. The rules follow how the API server
// decodes YAML, so a manifest the server accepts passes here too:
// - int-or-string fields take a string or an integer; a Quantity takes a string or a number;
// - an optional field may be null (the server treats null as unset, and helm emits `key:` often);
// - strict: an object with known properties refuses unknown ones, unless the schema says
//   x-kubernetes-preserve-unknown-fields (the server prunes or keeps those; it never rejects them).
// Descriptions are dropped: they make up most of the bytes and no validation message uses them.

export type Schema = Record<string, unknown>;

export interface ConvertOptions {
  /** Rewrites a `$ref` (e.g. `#/definitions/io.k8s.api.core.v1.PodSpec`) to its new target. */
  ref?: (ref: string) => string;
  /** Definition names whose values are Kubernetes quantities (string or number). */
  quantityRefs?: ReadonlySet<string>;
}

const quantity: Schema = { oneOf: [{ type: 'string' }, { type: 'number' }] };
const intOrString: Schema = { oneOf: [{ type: 'string' }, { type: 'integer' }] };

/** Keys copied as they are (after their sub-schemas are converted). Everything else is dropped. */
const kept = new Set([
  'type',
  'properties',
  'additionalProperties',
  'items',
  'required',
  'enum',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'uniqueItems',
  'pattern',
  'oneOf',
  'anyOf',
  'allOf',
  'not',
  '$ref',
]);

export function convertSchema(node: Schema, opts: ConvertOptions = {}): Schema {
  if (node.format === 'int-or-string' || node['x-kubernetes-int-or-string'] === true)
    return { ...intOrString };
  const ref = node.$ref;
  if (typeof ref === 'string') {
    const name = ref.replace(/^#\/definitions\//, '');
    if (opts.quantityRefs?.has(name)) return { ...quantity };
    return { $ref: opts.ref ? opts.ref(ref) : ref };
  }
  if (node.allOf && Array.isArray(node.allOf) && node.allOf.length === 1 && Object.keys(node).length <= 3) {
    // v3 wraps a lone $ref in allOf to attach a description or default: unwrap it.
    return convertSchema(node.allOf[0] as Schema, opts);
  }

  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    if (!kept.has(key)) continue;
    if (key === 'properties') {
      const props: Schema = {};
      for (const [name, sub] of Object.entries(value as Record<string, Schema>))
        props[name] = convertSchema(sub, opts);
      out.properties = props;
    } else if (
      key === 'items' ||
      key === 'not' ||
      (key === 'additionalProperties' && typeof value === 'object')
    ) {
      out[key] = convertSchema(value as Schema, opts);
    } else if (key === 'oneOf' || key === 'anyOf' || key === 'allOf') {
      out[key] = (value as Schema[]).map((s) => convertSchema(s, opts));
    } else {
      out[key] = value;
    }
  }

  const preserve = node['x-kubernetes-preserve-unknown-fields'] === true;
  if (preserve && out.type === 'object' && !out.properties && out.additionalProperties === undefined) {
    delete out.type; // anything goes below here, including null
    return out;
  }
  if (out.properties && out.additionalProperties === undefined && !preserve) out.additionalProperties = false;
  if (typeof out.type === 'string') out.type = [out.type, 'null'];
  return out;
}
