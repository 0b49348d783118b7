// Go template actions as text/template's lexer reads them: `{{`/`{{- ` open, `}}`/` -}}` close,
// `{{/* */}}` comments, and inside an action interpreted "strings", `raw strings` and 'c'har
// constants, which may hold `}}` or a function's name without being one. Scans of templates
// (varying.ts, image origins) read tokens, never the raw text, so ``{{`"to":"now"`}}`` is no call.

export type TokenKind = 'word' | 'field' | 'var' | 'string' | 'number' | 'punct';

export interface Token {
  kind: TokenKind;
  /** word: a function or keyword; field: `.Values.a.b`; var: `$x`; string: the unquoted text. */
  text: string;
  /** Written right after the token before it, no space between: `$x.data`, `(…).field`. */
  glued?: true;
}

export interface Action {
  /** 1-based line of the `{{`. */
  line: number;
  /** Offsets of `{{` and just past `}}` in the template text. */
  start: number;
  end: number;
  tokens: Token[];
  // A `{{/* … */}}` comment: no tokens, listed so a reader of the text can blank it out.
  comment?: true;
}

/** The actions of one template, comments included (marked). A malformed tail (an unclosed action) ends the scan. */
export function templateActions(text: string): Action[] {
  const out: Action[] = [];
  let at = 0;
  let line = 1;
  let counted = 0; // the line count covers text[0, counted)
  const lineOf = (offset: number) => {
    for (let i = text.indexOf('\n', counted); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
    counted = offset;
    return line;
  };
  for (;;) {
    const open = text.indexOf('{{', at);
    if (open < 0) return out;
    let i = open + 2;
    // `{{- ` trims the text before it; a comment must follow the delimiter (and its trim marker) at once.
    if (text[i] === '-' && /\s/.test(text[i + 1] ?? '')) i = skipSpace(text, i + 1);
    if (text.startsWith('/*', i)) {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) return out;
      const end = text.indexOf('}}', close + 2);
      if (end < 0) return out;
      out.push({ line: lineOf(open), start: open, end: end + 2, tokens: [], comment: true });
      at = end + 2;
      continue;
    }
    const scanned = actionTokens(text, i);
    if (!scanned) return out;
    out.push({ line: lineOf(open), start: open, end: scanned.end, tokens: scanned.tokens });
    at = scanned.end;
  }
}

function skipSpace(text: string, i: number): number {
  while (/\s/.test(text[i] ?? '')) i++;
  return i;
}

/** Tokens from `i` to the closing delimiter, or undefined when the action never closes. */
function actionTokens(text: string, i: number): { tokens: Token[]; end: number } | undefined {
  const tokens: Token[] = [];
  let spaced = true;
  const push = (t: Token) => {
    tokens.push(spaced || tokens.length === 0 ? t : { ...t, glued: true });
    spaced = false;
  };
  while (i < text.length) {
    const c = text[i] ?? '';
    if (text.startsWith('}}', i)) return { tokens, end: i + 2 };
    if (/\s/.test(c)) {
      // ` -}}` trims; a `-` with a space before it and `}}` after is the delimiter, not a minus.
      if (text.startsWith('-}}', i + 1)) return { tokens, end: i + 4 };
      spaced = true;
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let value = '';
      while (j < text.length && text[j] !== c && text[j] !== '\n') {
        if (text[j] === '\\') {
          value += text[j + 1] ?? '';
          j += 2;
        } else value += text[j++];
      }
      if (text[j] !== c) return undefined;
      push({ kind: c === '"' ? 'string' : 'number', text: value });
      i = j + 1;
      continue;
    }
    if (c === '`') {
      const j = text.indexOf('`', i + 1);
      if (j < 0) return undefined;
      push({ kind: 'string', text: text.slice(i + 1, j) });
      i = j + 1;
      continue;
    }
    const m =
      /^(?:(\$[\w]*)|(\.[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*|\.)|([A-Za-z_]\w*)|([0-9][\w.+-]*)|(:=|[=|(),]))/.exec(
        text.slice(i, i + 200),
      );
    if (!m) {
      push({ kind: 'punct', text: c });
      i++;
      continue;
    }
    const [whole, v, field, word, num] = m;
    const kind: TokenKind = v ? 'var' : field ? 'field' : word ? 'word' : num ? 'number' : 'punct';
    push({ kind, text: whole });
    i += whole.length;
  }
  return undefined;
}
