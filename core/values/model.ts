// Shapes shared by the values stages: where a value came from, and the value trees they merge.
// The tree and its pointers are the YAML readers' own (shared/yaml/value.ts).
import type { NodeOrigin, ReadTree, Value } from '../shared/yaml/value.js';

export { child, pointer, setKey, type Value } from '../shared/yaml/value.js';

/** Layers from generic to specific; a later layer wins. */
export const Layers = ['defaults', 'common', 'environment', 'cluster'] as const;
export type LayerName = (typeof Layers)[number];

/**
 * Where a value was set: the place of its value node (and of its key, for errors about the key).
 * `file` is relative to the values repo, or `schemas/values.schema.json` for defaults; layer
 * 'repo' is runlevel.yaml.
 */
export type Origin = NodeOrigin<LayerName | 'repo'>;

/** JSON pointer (RFC 6901) → origin, for every map, array and leaf of a value tree. */
export type Origins = Map<string, Origin>;

/** A value tree with its origins, ready to merge; value undefined: the file contributes nothing. */
export type Tree = ReadTree<LayerName | 'repo'>;

export function isMap(v: unknown): v is { [key: string]: Value } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
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
