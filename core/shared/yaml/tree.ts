// A parsed YAML document → a plain value tree plus the origin of every node. Aliases are expanded
// here, with a bound, so an alias bomb stops with an error instead of eating memory, and an alias
// inside the node it names (a cycle) stops at once instead of recursing until the stack ends.
// What YAML allows but plain values must not hold is refused here too: nesting past maxDepth, tags
// other than the core schema's, control characters (a NUL) in strings.
import { type Document, isAlias, isMap, isScalar, isSeq, type LineCounter, type Node } from 'yaml';
import { child, maxDepth, type NodeOrigins, pointer, type ReadTree, setKey, type Value } from './value.js';

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
  /** The nodes whose expansion is in progress: an alias to one of them is a cycle. */
  open: Set<Node>;
}

/** The core schema's tags: a value spelled with one of them is still a plain value. */
const plainTags = new Set(
  ['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`),
);

/** C0 control characters and DEL, except tab and line breaks: never meant in a value. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: exactly these are refused
const controlChar = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Convert `doc` into a value placed at `base`; throws TreeError for what YAML allows but values do not. */
export function toTree<Tag extends string>(
  doc: Document.Parsed,
  lines: LineCounter,
  file: string,
  layer: Tag,
  base: readonly string[],
): ReadTree<Tag> {
  const ctx: Ctx<Tag> = { doc, lines, file, layer, origins: new Map(), aliasNodes: 0, open: new Set() };
  if (doc.contents === null) return { value: undefined, origins: ctx.origins };
  const value = convert(ctx, doc.contents as Node, pointer(base), false, undefined, 0);
  return { value, origins: ctx.origins };
}

function convert<Tag extends string>(
  ctx: Ctx<Tag>,
  node: Node,
  path: string, // JSON pointer
  inAlias: boolean,
  keyOffset: number | undefined,
  depth: number,
): Value {
  const offset = node.range?.[0] ?? 0;
  if (inAlias && ++ctx.aliasNodes > maxAliasNodes) {
    throw new TreeError(
      `YAML aliases expand to more than ${maxAliasNodes} nodes`,
      offset,
      'this looks like an alias bomb; write the values out instead of nesting aliases',
    );
  }
  if (depth > maxDepth) {
    throw new TreeError(
      `nested deeper than ${maxDepth} levels`,
      offset,
      'values nest a few levels deep; flatten this structure',
    );
  }
  if (isAlias(node)) {
    const target = node.resolve(ctx.doc);
    if (!target) throw new TreeError(`unknown alias *${node.source}`, offset);
    if (ctx.open.has(target)) {
      throw new TreeError(
        `alias *${node.source} is used inside the node it names: it would repeat forever`,
        offset,
        `an alias can only repeat a node defined before it, outside it; write the values out here`,
      );
    }
    if (!inAlias && ++ctx.aliasNodes > maxAliasNodes) throw new TreeError('too many YAML aliases', offset);
    return convert(ctx, target, path, true, keyOffset, depth);
  }
  if (node.tag !== undefined && !plainTags.has(node.tag)) {
    throw new TreeError(
      `unsupported YAML tag ${node.tag.replace('tag:yaml.org,2002:', '!!')}`,
      offset,
      'values files hold plain maps, lists, strings, numbers and booleans: remove the tag',
    );
  }
  record(ctx, path, offset, keyOffset);
  if (isMap(node) || isSeq(node)) {
    ctx.open.add(node);
    try {
      return isMap(node)
        ? convertMap(ctx, node, path, inAlias, depth)
        : convertSeq(ctx, node, path, inAlias, depth);
    } finally {
      ctx.open.delete(node);
    }
  }
  if (isScalar(node)) {
    const v = node.value;
    if (typeof v === 'string') return checkedString(v, offset);
    if (v === null || typeof v === 'boolean') return v;
    if (typeof v === 'number') return v;
    if (typeof v === 'bigint') return Number(v);
    throw new TreeError(`unsupported YAML value (tag ${node.tag ?? 'unknown'})`, offset);
  }
  throw new TreeError('unsupported YAML node', offset);
}

function convertMap<Tag extends string>(
  ctx: Ctx<Tag>,
  node: Node & { items: { key: unknown; value: unknown }[] },
  path: string,
  inAlias: boolean,
  depth: number,
): Value {
  const out: { [key: string]: Value } = {};
  for (const pair of node.items) {
    const keyNode = pair.key as Node | null;
    if (!isScalar(keyNode)) {
      throw new TreeError('map keys must be plain strings', (keyNode as Node | null)?.range?.[0] ?? 0);
    }
    const koff = keyNode.range?.[0] ?? 0;
    const key = checkedString(String(keyNode.value), koff);
    const childPath = child(path, key);
    const valueNode = pair.value as Node | null;
    let value: Value;
    if (valueNode === null) {
      value = null; // `key:` with nothing after it
      record(ctx, childPath, koff, koff);
    } else value = convert(ctx, valueNode, childPath, inAlias, koff, depth + 1);
    setKey(out, key, value);
  }
  return out;
}

function convertSeq<Tag extends string>(
  ctx: Ctx<Tag>,
  node: Node & { items: unknown[] },
  path: string,
  inAlias: boolean,
  depth: number,
): Value {
  return node.items.map((item, i) => {
    if (item === null) return null;
    return convert(ctx, item as Node, child(path, String(i)), inAlias, undefined, depth + 1);
  });
}

/** A string as it stands, unless it holds a control character (a NUL from "\0", a stray escape). */
function checkedString(s: string, offset: number): string {
  const bad = controlChar.exec(s);
  if (!bad) return s;
  const code = `U+${bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  throw new TreeError(
    `holds the control character ${code}${code === 'U+0000' ? ' (NUL)' : ''}`,
    offset,
    'values are text: remove the character (or its escape, such as "\\0")',
  );
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
