// From a JSON pointer inside an object (/spec/template/spec/containers/0/image) to the line in
// the rendered file. Only findings pay for this: the document is parsed again with positions.
import { lineOfPointer as lineInText } from '../shared/yaml/full.js';

export function lineOfPointer(doc: { text: string; line: number }, pointer: string): number {
  return doc.line + lineInText(doc.text, pointer) - 1;
}
