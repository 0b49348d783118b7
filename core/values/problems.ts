// Building the problems a values error lists: a place, a code frame, a hint.
import type { Problem } from '../shared/errors.js';
import { codeFrame, lineColAt } from '../shared/source.js';
import type { YamlError } from '../shared/yaml/full.js';

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

/** A file's YAML errors as problems with code frames. */
export function yamlProblems(
  texts: Texts,
  file: string,
  text: string,
  errors: readonly YamlError[],
): Problem[] {
  return errors.map((e) =>
    problemAt(texts, { file, ...lineColAt(text, e.offset) }, e.message, { hint: e.hint }),
  );
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

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
