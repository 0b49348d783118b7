// A line diff (Myers' O(ND) algorithm) and the unified format people read in reviews. Written
// here rather than taken from a library: it is small, and diff output must never leave our
// control (Secret values are masked before any text reaches it).

export type EditOp = 'equal' | 'delete' | 'insert';

export interface Edit {
  op: EditOp;
  line: string;
}

/** The shortest edit script turning `a` into `b`, as equal/delete/insert lines in order. */
export function diffLines(a: readonly string[], b: readonly string[]): Edit[] {
  // Common prefix and suffix need no search; trimming them keeps the trace small.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const middle = myers(a.slice(start, endA), b.slice(start, endB));
  const equal = (line: string): Edit => ({ op: 'equal', line });
  return [...a.slice(0, start).map(equal), ...middle, ...a.slice(endA).map(equal)];
}

function myers(a: readonly string[], b: readonly string[]): Edit[] {
  const n = a.length;
  const m = b.length;
  if (n === 0) return b.map((line) => ({ op: 'insert', line }));
  if (m === 0) return a.map((line) => ({ op: 'delete', line }));
  const max = n + m;
  const offset = max + 1;
  // v[offset + k]: the furthest x reached on diagonal k; trace[d] is v before step d.
  let v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    const next = v.slice();
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && (v[offset + k - 1] ?? 0) < (v[offset + k + 1] ?? 0));
      let x = down ? (v[offset + k + 1] ?? 0) : (v[offset + k - 1] ?? 0) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      next[offset + k] = x;
      if (x >= n && y >= m) return backtrack(a, b, trace, offset);
    }
    v = next;
  }
  throw new Error('unreachable: the diff always ends within n + m steps');
}

function backtrack(a: readonly string[], b: readonly string[], trace: Int32Array[], offset: number): Edit[] {
  const edits: Edit[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d >= 0; d--) {
    const v = trace[d] ?? new Int32Array(0);
    const k = x - y;
    const down = k === -d || (k !== d && (v[offset + k - 1] ?? 0) < (v[offset + k + 1] ?? 0));
    const prevK = down ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : (v[offset + prevK] ?? 0);
    const prevY = d === 0 ? 0 : prevX - prevK;
    while (x > prevX && y > prevY) {
      edits.push({ op: 'equal', line: a[x - 1] ?? '' });
      x--;
      y--;
    }
    if (d === 0) break;
    if (down) edits.push({ op: 'insert', line: b[--y] ?? '' });
    else edits.push({ op: 'delete', line: a[--x] ?? '' });
  }
  return edits.reverse();
}

export interface UnifiedOptions {
  context?: number; // unchanged lines around each change (default 3)
  fromLabel?: string;
  toLabel?: string;
}

/** A unified diff of two texts; the empty string when they are equal. */
export function unifiedDiff(from: string, to: string, opts: UnifiedOptions = {}): string {
  if (from === to) return '';
  const context = opts.context ?? 3;
  const edits = diffLines(splitLines(from), splitLines(to));
  const hunks = hunksOf(edits, context);
  if (hunks.length === 0) return '';
  const out = [`--- ${opts.fromLabel ?? 'a'}`, `+++ ${opts.toLabel ?? 'b'}`];
  for (const h of hunks) {
    out.push(`@@ -${range(h.fromStart, h.fromCount)} +${range(h.toStart, h.toCount)} @@`);
    for (const e of h.edits) out.push(`${e.op === 'equal' ? ' ' : e.op === 'delete' ? '-' : '+'}${e.line}`);
  }
  return `${out.join('\n')}\n`;
}

interface Hunk {
  fromStart: number; // 1-based line of the hunk's first line in `from`
  fromCount: number;
  toStart: number;
  toCount: number;
  edits: Edit[];
}

function hunksOf(edits: Edit[], context: number): Hunk[] {
  const changed = edits.flatMap((e, i) => (e.op === 'equal' ? [] : [i]));
  if (changed.length === 0) return [];
  // Spans of edit indexes: each change plus its context; spans that touch are merged.
  const spans: [number, number][] = [];
  for (const i of changed) {
    const lo = Math.max(0, i - context);
    const hi = Math.min(edits.length - 1, i + context);
    const last = spans[spans.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else spans.push([lo, hi]);
  }
  // Line numbers of each edit position, counted once over the whole script.
  const fromLine: number[] = [];
  const toLine: number[] = [];
  let f = 1;
  let t = 1;
  for (const e of edits) {
    fromLine.push(f);
    toLine.push(t);
    if (e.op !== 'insert') f++;
    if (e.op !== 'delete') t++;
  }
  return spans.map(([lo, hi]) => {
    const part = edits.slice(lo, hi + 1);
    const fromCount = part.filter((e) => e.op !== 'insert').length;
    const toCount = part.filter((e) => e.op !== 'delete').length;
    // An empty side is numbered by the line before it, as diff(1) does.
    return {
      fromStart: fromCount === 0 ? (fromLine[lo] ?? 0) - 1 : (fromLine[lo] ?? 0),
      fromCount,
      toStart: toCount === 0 ? (toLine[lo] ?? 0) - 1 : (toLine[lo] ?? 0),
      toCount,
      edits: part,
    };
  });
}

function range(start: number, count: number): string {
  return count === 1 ? String(start) : `${start},${count}`;
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
