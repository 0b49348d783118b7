// Building the problems a values error lists: a place, a code frame, a hint, "did you mean".
import type { Problem } from '../shared/errors.js';
import { codeFrame } from '../shared/source.js';

/** File texts by values-repo-relative path, so any problem can show a code frame. */
export type Texts = Map<string, string>;

export function problemAt(
  texts: Texts,
  where: { file: string; line: number; col: number } | undefined,
  message: string,
  extra: { path?: string; hint?: string } = {},
): Problem {
  const problem: Problem = { message, ...extra };
  if (!where) return problem;
  problem.where = { file: where.file, line: where.line, col: where.col };
  const text = texts.get(where.file);
  if (text !== undefined && where.line > 0) problem.frame = codeFrame(text, where.line, where.col, 1);
  return problem;
}

/** Stable order (by file, line, column, path) and no duplicates: several clusters share layers. */
export function sortProblems(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  const unique = problems.filter((p) => {
    const key = JSON.stringify([p.where, p.path, p.message]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const rank = (p: Problem) =>
    [p.where?.file ?? '\uffff', p.where?.line ?? 0, p.where?.col ?? 0, p.path ?? ''] as const;
  return unique.sort((a, b) => {
    const [fa, la, ca, pa] = rank(a);
    const [fb, lb, cb, pb] = rank(b);
    return fa < fb ? -1 : fa > fb ? 1 : la - lb || ca - cb || (pa < pb ? -1 : pa > pb ? 1 : 0);
  });
}

/** The closest candidate within a small edit distance, for "did you mean" hints. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
