// A parsed YAML document → a plain value tree plus the origin of every node. Aliases are expanded
// here, with a bound, so an alias bomb stops with an error instead of eating memory.
import { type Document, isAlias, isMap, isScalar, isSeq, type LineCounter, type Node } from 'yaml';
import { child, type NodeOrigins, pointer, type ReadTree, setKey, type Value } from './value.js';

/** Nodes an alias may expand to, per file. Real values repos stay far below this. */
export const maxAliasNodes = 10_000;

export class TreeError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly hint?: string,
  ) {
    super(message);
  }
}

interface Ctx<Tag extends string> {
  doc: Document.Parsed;
  lines: LineCounter;
  file: string;
  layer: Tag;
  origins: NodeOrigins<Tag>;
  aliasNodes: number;
}

/** Convert `doc` into a value placed at `base`; throws TreeError for what YAML allows but values do not. */
export function toTree<Tag extends string>(
  doc: Document.Parsed,
  lines: LineCounter,
  file: string,
  layer: Tag,
  base: readonly string[],
): ReadTree<Tag> {
  const ctx: Ctx<Tag> = { doc, lines, file, layer, origins: new Map(), aliasNodes: 0 };
  if (doc.contents === null) return { value: undefined, origins: ctx.origins };
  const value = convert(ctx, doc.contents as Node, pointer(base), false, undefined);
  return { value, origins: ctx.origins };
}

function convert<Tag extends string>(
  ctx: Ctx<Tag>,
  node: Node,
  path: string, // JSON pointer
  inAlias: boolean,
  keyOffset: number | undefined,
): Value {
  if (inAlias && ++ctx.aliasNodes > maxAliasNodes) {
    throw new TreeError(
      `YAML aliases expand to more than ${maxAliasNodes} nodes`,
      node.range?.[0] ?? 0,
      'this looks like an alias bomb; write the values out instead of nesting aliases',
    );
  }
  if (isAlias(node)) {
    const target = node.resolve(ctx.doc);
    if (!target) throw new TreeError(`unknown alias *${node.source}`, node.range?.[0] ?? 0);
    const offset = node.range?.[0] ?? 0;
    if (!inAlias && ++ctx.aliasNodes > maxAliasNodes) throw new TreeError('too many YAML aliases', offset);
    return convert(ctx, target, path, true, keyOffset);
  }
  record(ctx, path, node.range?.[0] ?? 0, keyOffset);
  if (isMap(node)) {
    const out: { [key: string]: Value } = {};
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      if (!isScalar(keyNode)) {
        throw new TreeError('map keys must be plain strings', (keyNode as Node | null)?.range?.[0] ?? 0);
      }
      const key = String(keyNode.value);
      const childPath = child(path, key);
      const valueNode = pair.value as Node | null;
      const koff = keyNode.range?.[0] ?? 0;
      let value: Value;
      if (valueNode === null) {
        value = null; // `key:` with nothing after it
        record(ctx, childPath, koff, koff);
      } else value = convert(ctx, valueNode, childPath, inAlias, koff);
      setKey(out, key, value);
    }
    return out;
  }
  if (isSeq(node)) {
    return node.items.map((item, i) => {
      if (item === null) return null;
      return convert(ctx, item as Node, child(path, String(i)), inAlias, undefined);
    });
  }
  if (isScalar(node)) {
    const v = node.value;
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'number') return v;
    if (typeof v === 'bigint') return Number(v);
    throw new TreeError(`unsupported YAML value (tag ${node.tag ?? 'unknown'})`, node.range?.[0] ?? 0);
  }
  throw new TreeError('unsupported YAML node', (node as Node).range?.[0] ?? 0);
}

function record<Tag extends string>(
  ctx: Ctx<Tag>,
  path: string,
  offset: number,
  keyOffset: number | undefined,
): void {
  const at = ctx.lines.linePos(offset);
  const key = keyOffset === undefined ? undefined : ctx.lines.linePos(keyOffset);
  ctx.origins.set(path, {
    file: ctx.file,
    line: at.line,
    col: at.col,
    layer: ctx.layer,
    ...(key ? { key } : {}),
  });
}
