// One step on one file's document, through the yaml document API: the nodes that move keep their
// comments; what a step does not name is not touched. Returns whether the document changed.
import { type Document, isMap, isScalar, type Node, Pair, Scalar, YAMLMap } from 'yaml';
import { fill, findAll, keyOf, localPath, pairIn, shown } from './paths.js';
import type { FileInfo, Step } from './types.js';

/** A step that cannot be applied as written (two places set the same key): the user decides. */
export interface Conflict {
  file: string;
  /** Offset in the file of the node at fault. */
  offset: number;
  message: string;
  hint: string;
}

export function applyStep(doc: Document, file: FileInfo, step: Step, conflicts: Conflict[]): boolean {
  switch (step.kind) {
    case 'rename':
      return rename(doc, file, step, conflicts);
    case 'move':
      return move(doc, file, step, conflicts);
    case 'delete':
      return remove(doc, file, step);
    case 'function': {
      const before = doc.toString();
      step.apply(doc, file);
      return doc.toString() !== before;
    }
    case 'setDefault':
      return false; // repo-wide: apply.ts decides where
  }
}

function rename(
  doc: Document,
  file: FileInfo,
  step: Extract<Step, { kind: 'rename' }>,
  conflicts: Conflict[],
): boolean {
  const local = localPath(step.path, file.placement);
  if (!local) return false;
  let changed = false;
  for (const m of findAll(doc.contents, local.rest)) {
    const parent = doc.getIn(m.keys.slice(0, -1), true) ?? doc.contents;
    if (!isMap(parent)) continue;
    const pair = pairIn(parent, m.keys[m.keys.length - 1] as string);
    if (!pair) continue;
    if (pairIn(parent, step.to)) {
      conflicts.push(conflict(file, pair, `${shown([...m.keys.slice(0, -1), step.to])} is set too`));
      continue;
    }
    // The key scalar is changed in place: its position, comments and quoting stay.
    if (isScalar(pair.key)) pair.key.value = step.to;
    else pair.key = new Scalar(step.to);
    changed = true;
  }
  return changed;
}

function move(
  doc: Document,
  file: FileInfo,
  step: Extract<Step, { kind: 'move' }>,
  conflicts: Conflict[],
): boolean {
  const local = localPath(step.from, file.placement);
  if (!local) return false;
  let changed = false;
  for (const m of findAll(doc.contents, local.rest, local.captures)) {
    const target = fill(step.to, m.captures);
    const dest = target ? localPath(target, file.placement) : undefined;
    const parentOfFrom = doc.getIn(m.keys.slice(0, -1), true) ?? doc.contents;
    const pair = isMap(parentOfFrom) ? pairIn(parentOfFrom, m.keys[m.keys.length - 1] as string) : undefined;
    if (!pair) continue;
    if (!dest) {
      conflicts.push(
        conflict(file, pair, `${shown(step.from)} cannot move to ${shown(step.to)} from inside this file`),
      );
      continue;
    }
    if (doc.hasIn(dest.rest)) {
      conflicts.push(conflict(file, pair, `${shown(dest.rest)} is set too`));
      continue;
    }
    const parent = ensureMap(doc, dest.rest.slice(0, -1));
    if (!parent) {
      conflicts.push(conflict(file, pair, `${shown(dest.rest.slice(0, -1))} is not a map`));
      continue;
    }
    const key = new Scalar(dest.rest[dest.rest.length - 1]);
    // The comment above the old key travels with the value it describes.
    if (isScalar(pair.key)) {
      key.commentBefore = pair.key.commentBefore;
      key.spaceBefore = pair.key.spaceBefore;
    }
    parent.items.push(new Pair(key, pair.value));
    deleteAndPrune(doc, m.keys);
    changed = true;
  }
  return changed;
}

function remove(doc: Document, file: FileInfo, step: Extract<Step, { kind: 'delete' }>): boolean {
  const local = localPath(step.path, file.placement);
  if (!local) return false;
  const found = findAll(doc.contents, local.rest);
  for (const m of found) deleteAndPrune(doc, m.keys);
  return found.length > 0;
}

/** The map at `keys`, made (block style) where missing; undefined when a scalar is in the way. */
function ensureMap(doc: Document, keys: readonly string[]): YAMLMap | undefined {
  if (doc.contents === null) doc.contents = new YAMLMap() as never;
  let node: unknown = doc.contents;
  for (const k of keys) {
    if (!isMap(node)) return undefined;
    const pair = pairIn(node, k);
    if (pair) node = pair.value;
    else {
      const child = new YAMLMap();
      node.items.push(new Pair(new Scalar(k), child));
      node = child;
    }
  }
  return isMap(node) ? node : undefined;
}

/**
 * Removes the key, then every map above it that this left empty (a map written empty stays). The
 * comment above a pruned parent, or above the first key of the file (its header), is kept: it
 * goes to the key that follows, or to the end of the map; a deleted key's own comment goes with it.
 */
function deleteAndPrune(doc: Document, keys: readonly string[]): void {
  removePair(doc, keys, keys.length === 1);
  for (let n = keys.length - 1; n > 0; n--) {
    const parent = doc.getIn(keys.slice(0, n), true);
    if (!isMap(parent) || parent.items.length > 0) break;
    removePair(doc, keys.slice(0, n), true);
  }
}

function removePair(doc: Document, keys: readonly string[], keepComment: boolean): void {
  const parent = keys.length === 1 ? doc.contents : doc.getIn(keys.slice(0, -1), true);
  if (!isMap(parent)) return void doc.deleteIn(keys);
  const at = parent.items.findIndex((p) => keyOf(p as Pair) === keys[keys.length - 1]);
  const pair = parent.items[at] as Pair | undefined;
  const comment = pair && isScalar(pair.key) ? pair.key.commentBefore : undefined;
  const header = at === 0 && keys.length === 1;
  doc.deleteIn(keys);
  if (!comment || !(keepComment || header)) return;
  const next = parent.items[at] as Pair | undefined;
  if (next && isScalar(next.key))
    next.key.commentBefore = [comment, next.key.commentBefore].filter(Boolean).join('\n');
  else if (header) doc.commentBefore = [doc.commentBefore, comment].filter(Boolean).join('\n');
  else parent.comment = [parent.comment, comment].filter(Boolean).join('\n');
}

function conflict(file: FileInfo, pair: Pair, what: string): Conflict {
  const node = (pair.key ?? pair.value) as Node | undefined;
  return {
    file: file.path,
    offset: node?.range?.[0] ?? 0,
    message: `${keyOf(pair) ?? 'a key'} cannot be migrated: ${what}`,
    hint: 'keep one of the two (delete the other), then run runlevel migrate again',
  };
}
