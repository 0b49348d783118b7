// The schema's secret fields: a field marked `"writeOnly": true` (JSON Schema's own annotation for
// a value that is sent but never shown back) holds a secret wherever its value came from, so its
// value is masked in every output like a value from a *.sops.yaml file. The walk follows the
// values and the schema side by side; values of the wrong shape are the validator's business.
import { child, isMap, type Value } from './model.js';

type Schema = Record<string, unknown>;

/** JSON pointers of every leaf of the values that sits at (or under) a secret field. */
export function secretFieldPointers(values: Value | undefined, root: Schema): string[] {
  const out: string[] = [];
  walk(values, root, '', root, out, 0);
  return out;
}

function walk(
  value: Value | undefined,
  schema: unknown,
  ptr: string,
  root: Schema,
  out: string[],
  depth: number,
) {
  if (value === undefined || !isObject(schema) || depth > 64) return;
  const s = resolve(schema, root);
  if (s.writeOnly === true) {
    leaves(value, ptr, out);
    return;
  }
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = s[key];
    if (Array.isArray(list)) for (const sub of list) walk(value, sub, ptr, root, out, depth + 1);
  }
  if (isMap(value)) {
    const props = isObject(s.properties) ? s.properties : {};
    for (const k of Object.keys(value)) {
      const sub = Object.hasOwn(props, k) ? props[k] : s.additionalProperties;
      walk(value[k], sub, child(ptr, k), root, out, depth + 1);
    }
  } else if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) walk(v, s.items, child(ptr, String(i)), root, out, depth + 1);
  }
}

/** Local references only (#/$defs/…): the values schema is one file. */
function resolve(schema: Schema, root: Schema): Schema {
  let s = schema;
  for (let hops = 0; typeof s.$ref === 'string' && hops < 16; hops++) {
    const ref = s.$ref as string;
    if (!ref.startsWith('#/')) break;
    let target: unknown = root;
    for (const part of ref.slice(2).split('/')) target = isObject(target) ? target[part] : undefined;
    if (!isObject(target)) break;
    // Keywords beside a $ref (a description, writeOnly) apply together with the target's.
    const { $ref: _, ...beside } = s;
    s = { ...target, ...beside };
  }
  return s;
}

function leaves(value: Value | undefined, ptr: string, out: string[]): void {
  if (Array.isArray(value)) for (const [i, v] of value.entries()) leaves(v, child(ptr, String(i)), out);
  else if (isMap(value)) for (const k of Object.keys(value)) leaves(value[k], child(ptr, k), out);
  else if (value !== undefined && value !== null) out.push(ptr);
}

function isObject(v: unknown): v is Schema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
