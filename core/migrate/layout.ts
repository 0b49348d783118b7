// Keeping a file as its author wrote it. The yaml library keeps comments, key order, quoting and
// blank lines, but re-emits indentation, flow maps and long lines its own way; so the file is
// never re-emitted whole: the lines the migration changed (emitted document before → after) are
// spliced into the original text as a patch, and every other line stays byte for byte.
import { applyPatch, structuredPatch } from 'diff';
import type { Document, ToStringOptions } from 'yaml';

/** How the file indents, so the lines written in between look like their neighbours. */
export function layoutOf(text: string): ToStringOptions {
  const lines = text.split('\n');
  let indent = 0;
  let indentSeq = true;
  for (const [i, line] of lines.entries()) {
    const lead = /^( *)\S/.exec(line)?.[1]?.length ?? 0;
    if (lead > 0 && !line.trimStart().startsWith('#') && (indent === 0 || lead < indent)) indent = lead;
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

/**
 * `original` with the change from `before` to `after` (both emitted by the yaml library) applied
 * line by line; undefined when the original differs from `before` right where the change is.
 */
export function splice(original: string, before: string, after: string): string | undefined {
  if (before === after) return original;
  if (before === original) return after;
  const patch = structuredPatch('a', 'b', before, after, undefined, undefined, { context: 1 });
  const out = applyPatch(original, patch);
  return out === false ? undefined : out;
}
