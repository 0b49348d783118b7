// The merge, pure: layers from generic to specific. Maps merge deeply, a later scalar wins, arrays
// are replaced whole, null removes a key. Each node keeps the origin of the layer that set it.
import {
  child,
  isMap,
  type LayerName,
  type Origins,
  pointer,
  setKey,
  type Tree,
  type Value,
} from './model.js';

/** One layer file's tree, placed at `placement` (its origins are already keyed by full path). */
export interface PlacedTree extends Tree {
  placement: string[];
  file: string;
  layer: LayerName;
}

/** Merge trees in order; inputs are not modified. */
export function mergeLayers(trees: readonly PlacedTree[]): Tree {
  const root: { [key: string]: Value } = {};
  const origins: Origins = new Map();
  for (const t of trees) {
    let parent = root;
    const path: string[] = [];
    // Team and app files create their parent maps (teams:, apps:) on first use.
    for (const key of t.placement) {
      path.push(key);
      const next = parent[key];
      if (!isMap(next)) {
        setKey(parent, key, {});
        const own = path.length === t.placement.length ? t.origins.get(pointer(path)) : undefined;
        origins.set(pointer(path), own ?? { file: t.file, line: 1, col: 1, layer: t.layer });
      }
      parent = parent[key] as { [key: string]: Value };
    }
    // An empty team or app file still declares the team or app.
    const incoming = t.value === undefined && t.placement.length > 0 ? {} : t.value;
    if (incoming === undefined || incoming === null) continue;
    if (!isMap(incoming)) continue; // load.ts rejects non-map documents before merging
    mergeMap(parent, incoming, pointer(path), t.origins, origins);
  }
  return { value: root, origins };
}

function mergeMap(
  target: { [key: string]: Value },
  incoming: { [key: string]: Value },
  path: string, // JSON pointer of target
  from: Origins,
  origins: Origins,
): void {
  for (const key of Object.keys(incoming)) {
    const value = incoming[key] as Value;
    const childPath = child(path, key);
    const current = target[key];
    if (value === null) {
      if (current !== undefined) dropOrigins(current, childPath, origins);
      delete target[key];
    } else if (isMap(value) && isMap(current)) {
      mergeMap(current, value, childPath, from, origins);
    } else {
      if (current !== undefined) dropOrigins(current, childPath, origins);
      const copy = copyWithoutNulls(value, childPath, from, origins);
      setKey(target, key, copy);
    }
  }
}

/** Deep copy of a new subtree: nulls inside maps remove nothing, so they vanish; origins come along. */
function copyWithoutNulls(value: Value, ptr: string, from: Origins, origins: Origins): Value {
  const o = from.get(ptr);
  if (o) origins.set(ptr, o);
  if (Array.isArray(value))
    return value.map((v, i) => copyWithoutNulls(v, child(ptr, String(i)), from, origins));
  if (isMap(value)) {
    const out: { [key: string]: Value } = {};
    for (const key of Object.keys(value)) {
      const v = value[key] as Value;
      if (v === null) continue;
      setKey(out, key, copyWithoutNulls(v, child(ptr, key), from, origins));
    }
    return out;
  }
  return value;
}

/** Forget the origins of a subtree that is being replaced or removed. */
function dropOrigins(value: Value, ptr: string, origins: Origins): void {
  origins.delete(ptr);
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) dropOrigins(v, child(ptr, String(i)), origins);
  } else if (isMap(value)) {
    for (const key of Object.keys(value)) dropOrigins(value[key] as Value, child(ptr, key), origins);
  }
}
