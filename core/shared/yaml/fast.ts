// A fast reader for the plain YAML that values files almost always are: block maps and lists,
// one-line scalars (plain or quoted), one-line flow lists and maps, comments. Parsing thousands of
// small files with the full `yaml` library costs most of `runlevel validate`'s time; this reader is
// several times cheaper and knows line and column for free.
//
// It never decides anything the full parser would decide differently: on anything outside the
// subset (anchors, aliases, tags, block scalars, multi-line scalars, escapes, duplicate keys, odd
// indentation, documents markers, tabs, CR and other control characters, nesting deeper than
// maxDepth) it returns undefined and the caller parses the file
// with full.ts, which also produces every error message. Scalars resolve as in yaml's core schema.
// test/unit/shared/yaml/fast.test.ts checks values and origins against tree.ts.
import { plainSafe, resolvePlain } from './scalars.js';
import {
  child,
  maxDepth,
  type NodeOrigin,
  type NodeOrigins,
  pointer,
  type ReadTree,
  setKey,
  type Value,
} from './value.js';

/** Thrown inside the reader to give up; never escapes it. */
class Unsupported {}
const giveUp = (): never => {
  throw new Unsupported();
};

/** Tabs, CR, NUL and the other control characters: the full reader decides about those. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: exactly these send a file to the full reader
const unsupportedChar = /[\u0000-\u0009\u000b-\u001f\u007f]/;

interface Line {
  no: number; // 1-based line number
  start: number; // offset of the line's first character
  indent: number; // leading spaces
  end: number; // offset of the line's end (before '\n')
}

/** Value and origins exactly as `toTree(parseFull(text))` gives them, or undefined. */
export function readFast<Tag extends string>(
  text: string,
  file: string,
  layer: Tag,
  base: readonly string[],
): ReadTree<Tag> | undefined {
  if (unsupportedChar.test(text)) return undefined;
  try {
    return new Reader(text, file, layer).document(pointer(base));
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
}

class Reader<Tag extends string> {
  private readonly lines: Line[] = [];
  private i = 0; // index of the current content line
  private depth = 0; // maps and lists open around the current node
  readonly origins: NodeOrigins<Tag> = new Map();

  constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly layer: Tag,
  ) {
    let start = 0;
    for (let no = 1; start <= text.length; no++) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      let p = start;
      while (p < end && text.charCodeAt(p) === 32) p++;
      // Blank and comment-only lines carry no content wherever they are indented.
      if (p < end && text[p] !== '#') {
        if (p === start && /^(---|\.\.\.|%)/.test(text.slice(start, start + 3))) giveUp();
        this.lines.push({ no, start, indent: p - start, end });
      }
      start = end + 1;
    }
  }

  document(ptr: string): ReadTree<Tag> {
    const first = this.lines[0];
    if (!first) return { value: undefined, origins: this.origins };
    if (first.indent !== 0 || this.keyEnd(first.start, first.end) === undefined) giveUp();
    const value = this.map(first.start, 0, ptr, undefined);
    if (this.i !== this.lines.length) giveUp();
    return { value, origins: this.origins };
  }

  private get line(): Line | undefined {
    return this.lines[this.i];
  }

  /** A block node starting at offset `at` of the current line, in column `col`. */
  private block(at: number, col: number, ptr: string, keyAt: number | undefined): Value {
    const line = this.line as Line;
    if (this.isDash(at, line.end)) return this.seq(at, col, ptr, keyAt);
    if (this.keyEnd(at, line.end) !== undefined) return this.map(at, col, ptr, keyAt);
    return giveUp();
  }

  private map(at: number, col: number, ptr: string, keyAt: number | undefined): Value {
    this.enter();
    this.record(ptr, at, keyAt);
    const out: { [key: string]: Value } = {};
    let entryAt = at;
    for (;;) {
      const line = this.line as Line;
      const colon = this.keyEnd(entryAt, line.end) ?? giveUp();
      const key = this.key(entryAt, colon);
      if (Object.hasOwn(out, key)) giveUp(); // yaml reports duplicate keys
      setKey(out, key, this.entryValue(colon + 1, col, child(ptr, key), entryAt));
      const next = this.line;
      if (!next || next.indent < col) return this.leave(out);
      if (next.indent > col) giveUp();
      entryAt = next.start + col;
    }
  }

  /** The value after `key:`: on the same line, on the lines below, or empty (null). */
  private entryValue(after: number, col: number, ptr: string, keyAt: number): Value {
    const line = this.line as Line;
    const at = this.skipSpaces(after, line.end);
    if (at < line.end && this.text[at] !== '#') return this.inline(at, col, ptr, keyAt);
    this.i++;
    const next = this.line;
    if (next && next.indent > col) return this.block(next.start + next.indent, next.indent, ptr, keyAt);
    // A list may sit at its key's own indentation.
    if (next && next.indent === col && this.isDash(next.start + col, next.end))
      return this.seq(next.start + col, col, ptr, keyAt);
    this.record(ptr, at, keyAt);
    return null;
  }

  private seq(at: number, col: number, ptr: string, keyAt: number | undefined): Value {
    this.enter();
    this.record(ptr, at, keyAt);
    const out: Value[] = [];
    let dash = at;
    for (;;) {
      const line = this.line as Line;
      const itemPtr = child(ptr, String(out.length));
      const itemAt = this.skipSpaces(dash + 1, line.end);
      if (itemAt >= line.end || this.text[itemAt] === '#') {
        this.i++;
        const next = this.line;
        if (!next || next.indent <= col) return giveUp(); // an empty item
        out.push(this.block(next.start + next.indent, next.indent, itemPtr, undefined));
      } else if (this.isDash(itemAt, line.end) || this.keyEnd(itemAt, line.end) !== undefined) {
        out.push(this.block(itemAt, itemAt - line.start, itemPtr, undefined));
      } else out.push(this.inline(itemAt, col, itemPtr, undefined));
      const next = this.line;
      if (!next || next.indent < col) return this.leave(out);
      if (next.indent > col) giveUp();
      if (!this.isDash(next.start + col, next.end)) return this.leave(out); // the parent map goes on
      dash = next.start + col;
    }
  }

  /** A scalar or flow collection that ends on this line; the line is then done. */
  private inline(at: number, col: number, ptr: string, keyAt: number | undefined): Value {
    const line = this.line as Line;
    let value: Value;
    let end: number;
    const c = this.text[at];
    if (c === '[' || c === '{') [value, end] = this.flow(at, line.end, ptr, keyAt);
    else if (c === '"' || c === "'") {
      this.record(ptr, at, keyAt);
      [value, end] = this.quoted(at, line.end);
    } else {
      this.record(ptr, at, keyAt);
      end = at;
      while (end < line.end && !(this.text[end] === '#' && this.text[end - 1] === ' ')) end++;
      const source = this.text.slice(at, end).trimEnd();
      if (!plainSafe(source, false)) giveUp();
      value = resolvePlain(source);
      end = at + source.length;
    }
    this.lineDone(end, line.end);
    this.i++;
    const next = this.line;
    if (next && next.indent > col) giveUp(); // a multi-line scalar
    return value;
  }

  /** `[a, b]` or `{k: v}` on one line; returns the value and the offset after it. */
  private flow(at: number, end: number, ptr: string, keyAt: number | undefined): [Value, number] {
    this.enter();
    this.record(ptr, at, keyAt);
    const isSeq = this.text[at] === '[';
    const close = isSeq ? ']' : '}';
    const out: Value[] | { [key: string]: Value } = isSeq ? [] : {};
    let p = this.skipSpaces(at + 1, end);
    if (this.text[p] === close) return [this.leave(out), p + 1];
    for (;;) {
      if (isSeq) {
        const arr = out as Value[];
        const [v, after] = this.flowItem(p, end, child(ptr, String(arr.length)), undefined);
        arr.push(v);
        p = after;
      } else {
        const [key, colon] = this.flowKey(p, end);
        const obj = out as { [key: string]: Value };
        if (Object.hasOwn(obj, key)) giveUp();
        const [v, after] = this.flowItem(this.skipSpaces(colon + 1, end), end, child(ptr, key), p);
        setKey(obj, key, v);
        p = after;
      }
      p = this.skipSpaces(p, end);
      if (this.text[p] === close) return [this.leave(out), p + 1];
      if (this.text[p] !== ',') giveUp();
      p = this.skipSpaces(p + 1, end);
      if (this.text[p] === close) giveUp(); // a trailing comma
    }
  }

  private flowItem(at: number, end: number, ptr: string, keyAt: number | undefined): [Value, number] {
    const c = this.text[at];
    if (c === '[' || c === '{') return this.flow(at, end, ptr, keyAt);
    this.record(ptr, at, keyAt);
    if (c === '"' || c === "'") return this.quoted(at, end);
    let p = at;
    while (p < end && !',]}'.includes(this.text[p] as string)) p++;
    const source = this.text.slice(at, p).trimEnd();
    if (!plainSafe(source, true)) giveUp();
    return [resolvePlain(source), p];
  }

  /** A flow map key (plain or quoted) and the offset of its ':'. */
  private flowKey(at: number, end: number): [string, number] {
    let key: string;
    let p: number;
    if (this.text[at] === '"' || this.text[at] === "'") [key, p] = this.quoted(at, end) as [string, number];
    else {
      p = at;
      while (p < end && this.text[p] !== ':') p++;
      const source = this.text.slice(at, p).trimEnd();
      if (!plainSafe(source, true)) giveUp();
      const v = resolvePlain(source);
      if (typeof v !== 'string') giveUp();
      key = v as string;
    }
    if (this.text[p] !== ':' || this.text[p + 1] !== ' ') giveUp();
    return [key, p];
  }

  /** A one-line quoted string without backslash escapes; returns it and the offset after it. */
  private quoted(at: number, end: number): [string, number] {
    const q = this.text[at];
    let out = '';
    let p = at + 1;
    for (;;) {
      let next = p;
      while (next < end && this.text[next] !== q) next++;
      if (next >= end) return giveUp();
      const part = this.text.slice(p, next);
      if (q === '"' && part.includes('\\')) giveUp();
      out += part;
      if (q === "'" && this.text[next + 1] === "'") {
        out += "'";
        p = next + 2;
        continue;
      }
      return [out, next + 1];
    }
  }

  /** The offset of the ':' that ends a map key starting at `at`, or undefined when there is none. */
  private keyEnd(at: number, end: number): number | undefined {
    const c = this.text[at];
    if (c === '"' || c === "'") {
      try {
        const [, after] = this.quoted(at, end);
        const colon = this.skipSpaces(after, end);
        return this.text[colon] === ':' && this.isBreak(colon + 1, end) ? colon : undefined;
      } catch {
        return undefined;
      }
    }
    for (let p = at; p < end; p++) {
      const ch = this.text[p];
      if (ch === ':' && this.isBreak(p + 1, end)) return p;
      if (ch === '#' && this.text[p - 1] === ' ') return undefined;
    }
    return undefined;
  }

  private key(at: number, colon: number): string {
    const c = this.text[at];
    if (c === '"' || c === "'") return this.quoted(at, colon + 1)[0];
    const source = this.text.slice(at, colon).trimEnd();
    if (source.length > 1024 || !plainSafe(source, true)) giveUp();
    const v = resolvePlain(source);
    return typeof v === 'string' ? v : giveUp();
  }

  /** One level deeper; past maxDepth the full reader takes over (and words the error). */
  private enter(): void {
    if (++this.depth > maxDepth) giveUp();
  }

  private leave<V extends Value>(value: V): V {
    this.depth--;
    return value;
  }

  /** After a value only spaces and a comment may follow. */
  private lineDone(at: number, end: number): void {
    const p = this.skipSpaces(at, end);
    if (p < end && !(this.text[p] === '#' && p > at)) giveUp();
  }

  private isDash(at: number, end: number): boolean {
    return this.text[at] === '-' && this.isBreak(at + 1, end);
  }

  private isBreak(at: number, end: number): boolean {
    return at >= end || this.text[at] === ' ';
  }

  private skipSpaces(at: number, end: number): number {
    let p = at;
    while (p < end && this.text.charCodeAt(p) === 32) p++;
    return p;
  }

  /** Same shape and order as tree.ts records: the node's place, and its key's place. */
  private record(ptr: string, at: number, keyAt: number | undefined): void {
    const { line, col } = this.position(at);
    const { file, layer } = this;
    // Two fixed object shapes: a spread here made this the reader's hottest line.
    const origin: NodeOrigin<Tag> =
      keyAt === undefined
        ? { file, line, col, layer }
        : { file, line, col, layer, key: this.position(keyAt) };
    this.origins.set(ptr, origin);
  }

  private position(offset: number): { line: number; col: number } {
    // Content lines are visited in order, so the owning line is the current one or just after it.
    let k = Math.min(this.i, this.lines.length - 1);
    while (k > 0 && (this.lines[k] as Line).start > offset) k--;
    while (k + 1 < this.lines.length && (this.lines[k + 1] as Line).start <= offset) k++;
    const line = this.lines[k] as Line;
    return { line: line.no, col: offset - line.start + 1 };
  }
}
