// The YAML key path each line of a template writes, read from the template's own indentation with
// its actions blanked out: `  token: {{ randAlphaNum 8 }}` under `stringData:` writes
// stringData.token. Lets a diff leave out just the fields a varying action writes (varying.ts).
import type { Action } from './template-lexer.js';

export interface LinePath {
  /** Keys from the document root (or the define's own top) down to the line; `*` for a key an action writes. */
  path: string[];
  /** The line is `key: …` itself (its value is the key's), not a list item or text under its parent. */
  keyed: boolean;
}

interface Open {
  indent: number; // of the key's first character
  key: string;
  block: boolean; // `key: |` or `key: >`: deeper lines are its text
}

/** Per 1-based line, the key path it writes; lines of comments and blank lines have none. */
export function linePaths(
  text: string,
  actions: readonly Action[],
  resets: ReadonlySet<number> = new Set(),
): Map<number, LinePath> {
  const out = new Map<number, LinePath>();
  const lines = blankActions(text, actions).split('\n');
  const stack: Open[] = [];
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '---' || resets.has(line)) {
      stack.length = 0;
      return;
    }
    if (raw.trim() === '' || raw.trim().startsWith('#')) return;
    const indent = raw.length - raw.trimStart().length;
    const top = stack[stack.length - 1];
    if (top?.block && indent > top.indent) {
      out.set(line, { path: stack.map((o) => o.key), keyed: true });
      return;
    }
    // `- a: 1` opens a list item whose keys sit two columns (or more) right of the dash.
    const item = /^((?:-\s+)*)/.exec(raw.trimStart())?.[1] ?? '';
    const keyIndent = indent + item.length;
    const rest = raw.trimStart().slice(item.length);
    // A list item's dash may sit at its parent key's column (`containers:` / `- name: x`).
    const deeper = item ? (o: Open) => o.indent > indent : (o: Open) => o.indent >= indent;
    while (stack.length > 0 && deeper(stack[stack.length - 1] as Open)) stack.pop();
    const m = /^("(?:[^"\\]|\\.)*"|'[^']*'|[^\s:#'"][^:#]*?)\s*:(?:\s+(.*)|$)/.exec(rest);
    if (!m) {
      // An action alone (`{{- include "x" . | nindent 4 }}`) or a list item's text: writes under its parent.
      out.set(line, { path: stack.map((o) => o.key), keyed: false });
      return;
    }
    const key = keyOf(m[1] ?? '');
    const value = (m[2] ?? '').trim();
    const open: Open = { indent: keyIndent, key, block: /^[|>][-+0-9]*$/.test(value) };
    out.set(line, { path: [...stack.map((o) => o.key), key], keyed: true });
    stack.push(open);
  });
  return out;
}

function keyOf(text: string): string {
  if (text.includes('\u0000')) return '*';
  if (text.startsWith('"')) {
    try {
      return JSON.parse(text) as string;
    } catch {
      return '*';
    }
  }
  if (text.startsWith("'")) return text.slice(1, -1);
  return text.trim();
}

/** Each action replaced by one NUL (its newlines kept), so structure reads as plain YAML. */
function blankActions(text: string, actions: readonly Action[]): string {
  let out = '';
  let at = 0;
  for (const a of actions) {
    if (a.start < at) continue;
    out += text.slice(at, a.start);
    out += `\u0000${text.slice(a.start, a.end).replace(/[^\n]/g, '')}`;
    at = a.end;
  }
  return out + text.slice(at);
}
