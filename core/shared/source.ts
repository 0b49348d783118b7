// Locations in source files and the code frames printed under errors.

export interface SourceLocation {
  file: string; // path as the user should see it (relative to the values repo when inside it)
  line: number; // 1-based
  col: number; // 1-based
}

export function formatLocation(loc: SourceLocation): string {
  return `${loc.file}:${loc.line}:${loc.col}`;
}

/** Line and column (1-based) of a character offset in text. */
export function lineColAt(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: offset - lineStart + 1 };
}

/** Longest source line a frame shows; a longer one is cut to a window around the column. */
export const maxFrameWidth = 120;

/** A few lines around `line` with a caret under `col`, like compilers print. */
export function codeFrame(text: string, line: number, col: number, context = 2): string {
  const lines = text.split('\n');
  const first = Math.max(1, line - context);
  const last = Math.min(lines.length, line + context);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    const marker = n === line ? '>' : ' ';
    const shown = frameLine(lines[n - 1] ?? '', n === line ? col : 1);
    out.push(`${marker} ${String(n).padStart(width)} | ${shown.text}`);
    if (n === line) out.push(`  ${' '.repeat(width)} | ${' '.repeat(Math.max(0, shown.col - 1))}^`);
  }
  return out.join('\n');
}

/**
 * One source line as a frame shows it: control characters drawn as their visible pictures (a NUL
 * or an escape sequence must not reach the terminal), and a line longer than maxFrameWidth cut to a
 * window around `col` (a minified 3 MB line is not echoed whole). `col` is moved along with the cut.
 */
function frameLine(raw: string, col: number): { text: string; col: number } {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters drawn visibly
  const visible = raw.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, (c) =>
    String.fromCharCode(c === '\u007f' ? 0x2421 : 0x2400 + c.charCodeAt(0)),
  );
  if (visible.length <= maxFrameWidth) return { text: visible, col };
  const start = Math.max(0, Math.min(col - 1 - maxFrameWidth / 2, visible.length - maxFrameWidth));
  const end = start + maxFrameWidth;
  const head = start > 0 ? '…' : '';
  const tail = end < visible.length ? '…' : '';
  return { text: `${head}${visible.slice(start, end)}${tail}`, col: col - start + head.length };
}
