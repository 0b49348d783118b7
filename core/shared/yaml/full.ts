// The full YAML parser (the `yaml` library) with positions: for the files the fast reader gives up
// on, and wherever the place of a node is needed. It also words every YAML error for people.
// Loading `yaml` costs more than reading a plain values repo, so hot start-up paths import this
// file lazily.
import { type Document, isMap, isSeq, Lexer, LineCounter, parseDocument, type YAMLError } from 'yaml';
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
  // An unknown tag (`!vault`) is only a warning to yaml, which then drops it: for values it is an error.
  const problems = [...doc.errors, ...doc.warnings.filter((w) => w.code === 'TAG_RESOLVE_FAILED')];
  if (problems.length === 0) return { parsed: { doc, lines } };
  return { errors: worded(text, problems) };
}

/**
 * yaml's errors in words for people, each at the place to fix: an unclosed quote at its opening
 * quote (yaml points at the end of the file), a line indented under `key: value` at that line
 * (yaml points at the value above it, one line early, and reports it twice).
 */
function worded(text: string, errors: readonly YAMLError[]): YamlError[] {
  const nested = new Set(errors.filter((e) => e.code === 'BLOCK_AS_IMPLICIT_KEY').map((e) => e.pos[0]));
  const out: YamlError[] = [];
  for (const e of errors) {
    if (e.code === 'MULTILINE_IMPLICIT_KEY' && nested.has(e.pos[0])) continue; // the same mistake
    let offset = e.pos[0];
    if (e.code === 'BLOCK_AS_IMPLICIT_KEY') offset = nextContentLine(text, offset) ?? offset;
    if (e.code === 'MISSING_CHAR' && /closing ["']quote/.test(e.message))
      offset = quoteStart(text, e.pos[0]) ?? offset;
    out.push({ offset, message: yamlMessage(e.code, e.message), hint: yamlHint(e.code, e.message) });
  }
  return out;
}

/** Offset of the first character of the next line that holds more than blanks or a comment. */
function nextContentLine(text: string, offset: number): number | undefined {
  for (let nl = text.indexOf('\n', offset); nl !== -1; nl = text.indexOf('\n', nl + 1)) {
    const line = /^[ \t]*([^\s#])/.exec(text.slice(nl + 1, text.indexOf('\n', nl + 1) >>> 0));
    if (line) return nl + 1 + line[0].length - 1;
  }
  return undefined;
}

/** Where the quoted scalar that runs to `end` without its closing quote starts. */
function quoteStart(text: string, end: number): number | undefined {
  let offset = 0;
  for (const token of new Lexer().lex(text)) {
    // Tokens of one control character (document start, scalar marker, …) hold no source text.
    if (token.length === 1 && token.charCodeAt(0) < 0x20 && token !== '\n') continue;
    if ((token[0] === '"' || token[0] === "'") && offset + token.length === end) return offset;
    offset += token.length;
  }
  return undefined;
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
  if (code === 'MULTIPLE_DOCS')
    return 'a second YAML document starts here: a values file holds exactly one document';
  if (code === 'RESOURCE_EXHAUSTION') return 'invalid YAML: nested too deeply to read';
  if (code === 'MISSING_CHAR' && /closing ["']quote/.test(message))
    return 'invalid YAML: this quoted string is never closed';
  if (code === 'TAG_RESOLVE_FAILED')
    return `unknown YAML tag ${/tag: (\S+)/.exec(message)?.[1] ?? ''}: values files hold plain YAML`.replace(
      '  ',
      ' ',
    );
  if (code === 'BLOCK_AS_IMPLICIT_KEY')
    return 'invalid YAML: this line is indented under a key that already has a value on its own line';
  const first = message.split('\n')[0] ?? message;
  return `invalid YAML: ${first.replace(/ at line \d+, column \d+:?$/, '')}`;
}

function yamlHint(code: string, message: string): string | undefined {
  if (code === 'MISSING_CHAR' && /closing ["']quote/.test(message))
    return 'end the string with the same quote it starts with';
  if (code === 'DUPLICATE_KEY') return 'remove one of the two entries, or merge them into one';
  if (code === 'MULTIPLE_DOCS')
    return 'remove the `---` (or `...`) line, or move what follows into a file of its own';
  if (code === 'RESOURCE_EXHAUSTION') return 'values nest a few levels deep; flatten this structure';
  if (code === 'TAG_RESOLVE_FAILED')
    return 'remove the tag; a secret belongs in a *.sops.yaml file, which sops keeps encrypted';
  if (code === 'BLOCK_AS_IMPLICIT_KEY')
    return "indent it like the key above, or move that key's value onto lines of its own below it";
  if (code === 'BAD_INDENT' || code === 'MISSING_CHAR')
    return 'check the indentation and the ":" after each key';
  return undefined;
}
