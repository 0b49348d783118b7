// Shapes shared by the values stages: where a value came from, and a file read from a layer.
import type { Document } from 'yaml';

/** Layers from generic to specific; a later layer wins. */
export const Layers = ['defaults', 'common', 'environment', 'cluster'] as const;
export type LayerName = (typeof Layers)[number];

/** Where a value was set: the place of its value node (and of its key, for errors about the key). */
export interface Origin {
  file: string; // relative to the values repo, or `schemas/values.schema.json` for defaults
  line: number;
  col: number;
  layer: LayerName | 'repo'; // 'repo': runlevel.yaml
  key?: { line: number; col: number }; // the key in the map that holds the value
}

/** JSON pointer (RFC 6901) → origin, for every map, array and leaf of a value tree. */
export type Origins = Map<string, Origin>;

/** A plain YAML value tree (maps as null-prototype-free objects, arrays, scalars). */
export type Value = null | string | number | boolean | Value[] | { [key: string]: Value };

/** One layer file after parsing: its value, placed where its path says, and the origin of every node. */
export interface LayerFile {
  file: string; // relative path inside the values repo
  layer: LayerName;
  placement: string[]; // [] at the root, ['teams', name] or ['apps', name]
  text: string; // the file as on disk (ciphertext for *.sops.yaml)
  doc: Document.Parsed;
  secret: boolean;
}

/** A value tree with its origins, ready to merge. */
export interface Tree {
  value: Value | undefined; // undefined: the file contributes nothing (empty)
  origins: Origins;
}

export function isMap(v: unknown): v is { [key: string]: Value } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function pointer(path: readonly (string | number)[]): string {
  let out = '';
  for (const p of path) out = child(out, String(p));
  return out;
}

/** The pointer of `key` under `ptr`, without building path arrays (hot in large repos). */
export function child(ptr: string, key: string): string {
  return /[~/]/.test(key) ? `${ptr}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}` : `${ptr}/${key}`;
}

export function parsePointer(ptr: string): string[] {
  if (ptr === '') return [];
  return ptr
    .slice(1)
    .split('/')
    .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** The path as people read it: teams.alpha.members[0].name */
export function dotted(path: readonly (string | number)[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number' || /^\d+$/.test(String(p))) out += `[${p}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(p)) out += out ? `.${p}` : p;
    else out += `[${JSON.stringify(p)}]`;
  }
  return out || '(root)';
}

/** Assign without letting a key named __proto__ change the object's prototype. */
export function setKey(obj: { [key: string]: Value }, key: string, value: Value): void {
  if (key === '__proto__')
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}
