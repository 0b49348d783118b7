// The plain value tree the YAML readers produce and where each of its nodes was written. Shared by
// the fast reader and the full one (so their results can be compared node for node) and by the
// values stage, which merges such trees layer by layer.

/**
 * How deep maps and lists may nest in one file. Real values nest a dozen levels; the bound keeps
 * the readers' recursion far from the stack's end whatever a file holds.
 */
export const maxDepth = 100;

/** A plain YAML value tree (maps as plain objects, arrays, scalars). */
export type Value = null | string | number | boolean | Value[] | { [key: string]: Value };

/**
 * Where a node was written: the place of its value (and of its key, for errors about the key).
 * `Tag` is what the caller files the node under (the values stage: its layer).
 */
export interface NodeOrigin<Tag extends string = string> {
  file: string;
  line: number;
  col: number;
  layer: Tag;
  key?: { line: number; col: number }; // the key in the map that holds the value
}

/** JSON pointer (RFC 6901) → origin, for every map, array and leaf of a value tree. */
export type NodeOrigins<Tag extends string = string> = Map<string, NodeOrigin<Tag>>;

/** A tree as a reader returns it: undefined when the file holds nothing. */
export interface ReadTree<Tag extends string = string> {
  value: Value | undefined;
  origins: NodeOrigins<Tag>;
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

/** Assign without letting a key named __proto__ change the object's prototype. */
export function setKey(obj: { [key: string]: Value }, key: string, value: Value): void {
  if (key === '__proto__')
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}
