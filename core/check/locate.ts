// From a JSON pointer inside an object (/spec/template/spec/containers/0/image) to the line in
// the rendered file. Only findings pay for this: the document is parsed again with positions.
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';

export function lineOfPointer(doc: { text: string; line: number }, pointer: string): number {
  const counter = new LineCounter();
  const parsed = parseDocument(doc.text, { lineCounter: counter, keepSourceTokens: false });
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
  return doc.line + counter.linePos(offset ?? 0).line - 1;
}

function startOffset(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range?.[0];
}
