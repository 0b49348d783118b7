// The full YAML parser (the `yaml` library) with positions: for the files the fast reader gives up
// on, and wherever the place of a node is needed. It also words every YAML error for people.
// Loading `yaml` costs more than reading a plain values repo, so hot start-up paths import this
// file lazily.
import { type Document, isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import { TreeError, toTree } from './tree.js';
import type { ReadTree } from './value.js';

export interface ParsedYaml {
  doc: Document.Parsed;
  lines: LineCounter;
}

/** A YAML error at a character offset of the text, worded for people. */
export interface YamlError {
  offset: number;
  message: string;
  hint: string | undefined;
}

/** One document, strictly (duplicate keys refused), with positions. */
export function parseFull(text: string): { parsed: ParsedYaml } | { errors: YamlError[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter: lines,
    uniqueKeys: true,
    prettyErrors: false,
    strict: true,
  });
  if (doc.errors.length === 0) return { parsed: { doc, lines } };
  return {
    errors: doc.errors.map((e) => ({
      offset: e.pos[0],
      message: yamlMessage(e.code, e.message),
      hint: yamlHint(e.code),
    })),
  };
}

/** parseFull, then the value tree placed at `base`; what YAML allows but a value tree does not is an error too. */
export function readFull<Tag extends string>(
  text: string,
  file: string,
  layer: Tag,
  base: readonly string[],
): { tree: ReadTree<Tag>; parsed: ParsedYaml } | { errors: YamlError[] } {
  const result = parseFull(text);
  if ('errors' in result) return result;
  const { doc, lines } = result.parsed;
  try {
    return { tree: toTree(doc, lines, file, layer, base), parsed: result.parsed };
  } catch (err) {
    if (!(err instanceof TreeError)) throw err;
    return { errors: [{ offset: err.offset, message: err.message, hint: err.hint }] };
  }
}

/**
 * The line (1-based, in `text`) of the node a JSON pointer names: of its key inside a map, of the
 * item inside a list; the deepest node that exists when the pointer goes further than the document.
 */
export function lineOfPointer(text: string, pointer: string): number {
  const counter = new LineCounter();
  const parsed = parseDocument(text, { lineCounter: counter, keepSourceTokens: false });
  let node: unknown = parsed.contents;
  let offset = startOffset(node);
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (isMap(node)) {
      const pair = node.items.find((p) => String((p.key as { value?: unknown })?.value ?? p.key) === key);
      if (!pair) break;
      offset = startOffset(pair.key) ?? offset;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(key)];
      if (item === undefined) break;
      offset = startOffset(item) ?? offset;
      node = item;
    } else break;
  }
  return counter.linePos(offset ?? 0).line;
}

function startOffset(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range?.[0];
}

function yamlMessage(code: string, message: string): string {
  if (code === 'DUPLICATE_KEY') return 'duplicate key: a key may appear only once in a map';
  const first = message.split('\n')[0] ?? message;
  return `invalid YAML: ${first.replace(/ at line \d+, column \d+:?$/, '')}`;
}

function yamlHint(code: string): string | undefined {
  if (code === 'DUPLICATE_KEY') return 'remove one of the two entries, or merge them into one';
  if (code === 'BAD_INDENT' || code === 'MISSING_CHAR')
    return 'check the indentation and the ":" after each key';
  return undefined;
}
