// Keeping a file as its author wrote it. The yaml library keeps comments, key order, quoting and
// blank lines, but re-emits indentation, flow maps, comment spacing and runs of blank lines its
// own way; so the file is never re-emitted whole. Three texts are lined up: the original (O), the
// library's emission of it unchanged (R) and of the migrated document (M). Lines the migration
// kept are written as they are in O; only the lines it changed come from M.
import { diffArrays } from 'diff';
import type { Document, ToStringOptions } from 'yaml';

/** How the file indents, so the lines written in between look like their neighbours. */
export function layoutOf(text: string): ToStringOptions {
  const lines = text.split('\n');
  let indent = 0;
  let indentSeq = true;
  for (const [i, line] of lines.entries()) {
    const lead = /^( *)\S/.exec(line)?.[1]?.length ?? 0;
    if (lead > 0 && !line.trimStart().startsWith('#') && !line.trimStart().startsWith('- ')) {
      if (indent === 0 || lead < indent) indent = lead;
    }
    // A list item at the same indentation as the key above it: the file does not indent sequences.
    const prev = lines[i - 1];
    if (prev !== undefined && /^ *- /.test(line) && /^ *[^\s#-][^:]*:\s*$/.test(prev)) {
      if ((/^( *)/.exec(prev)?.[1]?.length ?? 0) === lead) indentSeq = false;
    }
  }
  return { indent: indent > 0 && indent <= 8 ? indent : 2, indentSeq, lineWidth: 0 };
}

/** The document as text, in the file's own layout. */
export function emit(doc: Document, layout: ToStringOptions): string {
  return doc.toString(layout);
}

type Op = { kind: 'keep' | 'drop'; r: number } | { kind: 'add'; line: string };

/**
 * `original` with the change from `before` to `after` (both emitted by the yaml library) applied.
 * `reformatted`: a line the migration kept had to be taken from the library's emission, because
 * the emission and the original differ in line count around a change.
 */
export function splice(
  original: string,
  before: string,
  after: string,
): { text: string; reformatted: boolean } {
  if (before === after) return { text: original, reformatted: false };
  if (before === original) return { text: after, reformatted: false };
  const [O, R] = [original.split('\n'), before.split('\n')];
  // R line → O line, where the two are equal (whitespace aside).
  const toO = new Map<number, number>();
  let [r, o] = [0, 0];
  // Equal but for whitespace: the library's re-spacing of comments, flow maps and list indents.
  const squeeze = (line: string) => line.replace(/\s+/g, '');
  for (const part of diffArrays(R, O, { comparator: (a, b) => squeeze(a) === squeeze(b) })) {
    const n = part.count ?? part.value.length;
    if (part.added) o += n;
    else if (part.removed) r += n;
    else for (let k = 0; k < n; k++) toO.set(r++, o++);
  }
  // The migration as edits of R, in order.
  const ops: Op[] = [];
  r = 0;
  for (const part of diffArrays(R, after.split('\n'))) {
    if (part.added) for (const line of part.value) ops.push({ kind: 'add', line });
    else for (const _ of part.value) ops.push({ kind: part.removed ? 'drop' : 'keep', r: r++ });
  }
  // Anchors: R lines the migration kept that are also equal in O. Between two anchors, a stretch
  // the migration did not touch is O's; a touched one is rebuilt line by line.
  const out: string[] = [];
  let reformatted = false;
  let stretch: Op[] = [];
  let lastO = -1;
  const flush = (nextO: number) => {
    const touched = stretch.some((op) => op.kind !== 'keep');
    const own = O.slice(lastO + 1, nextO);
    if (!touched) out.push(...own);
    else {
      const rs = stretch.filter((op) => op.kind !== 'add');
      // Blank lines of O that the library folded into one stay where they were.
      const tail: string[] = [];
      while (own.length > rs.length && own[0]?.trim() === '') out.push(own.shift() as string);
      while (own.length > rs.length && own[own.length - 1]?.trim() === '') tail.unshift(own.pop() as string);
      // One O line per R line (spacing or flow style re-emitted): kept lines stay as in O.
      const oneToOne = rs.length === own.length;
      let k = 0;
      for (const op of stretch) {
        if (op.kind === 'add') out.push(op.line);
        else {
          if (op.kind === 'keep') {
            if (oneToOne) out.push(own[k] as string);
            else {
              out.push(R[op.r] as string);
              reformatted ||= true;
            }
          }
          k++;
        }
      }
      out.push(...tail);
    }
    stretch = [];
  };
  for (const op of ops) {
    const at = op.kind === 'keep' ? toO.get(op.r) : undefined;
    if (at === undefined) {
      stretch.push(op);
      continue;
    }
    flush(at);
    out.push(O[at] as string);
    lastO = at;
  }
  flush(O.length);
  return { text: out.join('\n'), reformatted };
}
