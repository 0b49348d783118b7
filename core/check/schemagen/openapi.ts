// The API server's /openapi/v2 document → one self-contained strict schema per kind, named the
// way kubeconform looks them up: `<kind>-<group's first label>-<version>.json` (`deployment-apps-v1`,
// `ingress-networking-v1`, `pod-v1`). Each file carries only the definitions its kind reaches, so
// no file depends on another and kubeconform parses a few kilobytes per kind, not the whole API.
import { convertSchema, type Schema } from './convert.js';

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface KindSchema {
  file: string; // file name inside the schemas directory
  gvk: GroupVersionKind;
  schema: Schema;
}

const quantityRefs = new Set(['io.k8s.apimachinery.pkg.api.resource.Quantity']);

/** kubeconform's file name for an apiVersion + kind (mirrors its registry's KindSuffix). */
export function schemaFileName(apiVersion: string, kind: string): string {
  const [groupOrVersion = '', version] = apiVersion.split('/');
  const groupLabel = groupOrVersion.split('.')[0] ?? '';
  return `${kind.toLowerCase()}-${groupLabel.toLowerCase()}${version ? `-${version.toLowerCase()}` : ''}.json`;
}

export function apiVersionOf(gvk: GroupVersionKind): string {
  return gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
}

/** Kinds nobody writes into a manifest: API plumbing (meta/v1 Status, WatchEvent, …) and lists. */
function isManifestKind(definition: string, kind: string): boolean {
  return !definition.startsWith('io.k8s.apimachinery.') && !kind.endsWith('List');
}

export function kindSchemasFromOpenApi(doc: { definitions: Record<string, Schema> }): KindSchema[] {
  const defs = doc.definitions;
  const out: KindSchema[] = [];
  const seen = new Map<string, string>();
  for (const [name, def] of Object.entries(defs)) {
    const gvks = def['x-kubernetes-group-version-kind'] as GroupVersionKind[] | undefined;
    if (!gvks) continue;
    for (const gvk of gvks) {
      if (!isManifestKind(name, gvk.kind)) continue;
      const file = schemaFileName(apiVersionOf(gvk), gvk.kind);
      const clash = seen.get(file);
      if (clash) throw new Error(`${file}: both ${clash} and ${name} map to this file name`);
      seen.set(file, name);
      out.push({ file, gvk, schema: standalone(name, defs) });
    }
  }
  return out.sort((a, b) => a.file.localeCompare(b.file));
}

/** The kind's schema with every definition it reaches embedded under `definitions`. */
function standalone(root: string, defs: Record<string, Schema>): Schema {
  const reached = new Set<string>();
  const queue = [root];
  while (queue.length > 0) {
    const name = queue.pop() as string;
    if (reached.has(name) || quantityRefs.has(name)) continue;
    reached.add(name);
    collectRefs(defs[name], (ref) => queue.push(ref));
  }
  reached.delete(root);
  const local = (ref: string) => `#/definitions/${ref.replace(/^#\/definitions\//, '')}`;
  const opts = { ref: local, quantityRefs };
  const schema = convertSchema(defs[root] ?? {}, opts);
  // apiVersion and kind are required on every object we validate, even where the API marks them optional.
  schema.required = [...new Set([...((schema.required as string[]) ?? []), 'apiVersion', 'kind'])];
  if (reached.size > 0) {
    const definitions: Schema = {};
    for (const name of [...reached].sort()) definitions[name] = convertSchema(defs[name] ?? {}, opts);
    schema.definitions = definitions;
  }
  return schema;
}

function collectRefs(node: unknown, found: (ref: string) => void): void {
  if (Array.isArray(node)) {
    for (const n of node) collectRefs(n, found);
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') found(value.replace(/^#\/definitions\//, ''));
      else collectRefs(value, found);
    }
  }
}
