// The one document splitter: a multi-document YAML stream (helm's output, a rendered file) cut at
// its `---` lines, each document's text kept byte for byte with the line it starts on, so what is
// parsed or written later can still point at a line of the whole stream.

export interface YamlDocument {
  /** The document's text without its `---` line, as in the stream. */
  text: string;
  /** 1-based line of the stream on which the text starts. */
  line: number;
}

/** A line of just `---` (trailing blanks allowed) separates documents; blank documents are left out. */
const separator = /^---[ \t]*$\n?/m;

export function splitDocuments(stream: string): YamlDocument[] {
  const out: YamlDocument[] = [];
  let line = 1;
  for (const text of stream.split(separator)) {
    if (text.trim() !== '') out.push({ text, line });
    line += newlines(text) + 1; // the text's lines, then the `---` line that ended it
  }
  return out;
}

function newlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}
