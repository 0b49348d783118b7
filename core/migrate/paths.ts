// From a path in the merged values to the keys of one file: apps/web.yaml merges under apps.web,
// so apps.*.autoscaling.x is autoscaling.x in it; '*' matches every key there is.
import { isMap, isScalar, type Node, type Pair, type YAMLMap } from 'yaml';
import type { ValuesPath } from './types.js';

export interface Match {
  /** The keys in the file, from its root. */
  keys: string[];
  /** What each '*' of the values path matched, in order (the placement's first). */
  captures: string[];
}

/** The rest of `path` inside a file merged at `placement`, with the placement's captures; undefined: not in this file. */
export function localPath(
  path: ValuesPath,
  placement: readonly string[],
): { rest: string[]; captures: string[] } | undefined {
  if (path.length <= placement.length) return undefined;
  const captures: string[] = [];
  for (const [i, key] of placement.entries()) {
    if (path[i] === '*') captures.push(key);
    else if (path[i] !== key) return undefined;
  }
  return { rest: path.slice(placement.length), captures };
}

export function keyOf(pair: Pair): string | undefined {
  const k = pair.key;
  if (isScalar(k)) return typeof k.value === 'string' ? k.value : String(k.value);
  return typeof k === 'string' ? k : undefined;
}

export function pairIn(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((p) => keyOf(p) === key) as Pair | undefined;
}

/** Every existing place `rest` names under `root`. */
export function findAll(root: unknown, rest: readonly string[], captures: string[] = []): Match[] {
  const walk = (node: unknown, i: number, keys: string[], caps: string[]): Match[] => {
    if (i === rest.length) return [{ keys, captures: caps }];
    if (!isMap(node)) return [];
    const part = rest[i] as string;
    const pairs = part === '*' ? node.items : node.items.filter((p) => keyOf(p as Pair) === part);
    return pairs.flatMap((p) => {
      const key = keyOf(p as Pair);
      if (key === undefined) return [];
      return walk((p as Pair).value as Node, i + 1, [...keys, key], part === '*' ? [...caps, key] : caps);
    });
  };
  return walk(root, 0, [], captures);
}

/** `pattern` with its '*' filled by `captures`, in order; undefined when the counts differ. */
export function fill(pattern: ValuesPath, captures: readonly string[]): string[] | undefined {
  let i = 0;
  const out = pattern.map((k) => (k === '*' ? (captures[i++] ?? '') : k));
  return i === captures.length ? out : undefined;
}

export const shown = (path: readonly string[]): string => path.join('.');
