// A cluster whose environment or cluster directory does not exist loses that whole layer without a
// word unless someone says so. A warning, not an error: git keeps no empty directory, so an
// environment without settings of its own has none; `validate --strict` makes it an error.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { closest } from '../shared/edit-distance.js';
import type { Problem } from '../shared/errors.js';
import { formatLocation } from '../shared/source.js';
import { pointer } from './model.js';
import { problemAt } from './problems.js';
import type { OpenedRepo } from './repo.js';

/** One problem per missing layer directory, at the name in runlevel.yaml that leads to it. */
export function missingLayers(repo: OpenedRepo, cluster: string, environment: string): Problem[] {
  const problems: Problem[] = [];
  for (const [group, name, ptr] of [
    ['environments', environment, pointer(['clusters', cluster, 'environment'])],
    ['clusters', cluster, pointer(['clusters', cluster])],
  ] as const) {
    if (statSync(join(repo.root, group, name), { throwIfNoEntry: false })?.isDirectory()) continue;
    const o = repo.origins.get(ptr);
    const where = group === 'clusters' && o?.key ? { ...o, ...o.key } : o;
    const guess = closest(name, subdirectories(join(repo.root, group)));
    const what = group === 'environments' ? `environment "${name}"` : `cluster "${name}"`;
    problems.push(
      problemAt(repo.texts, where, `${what} has no directory ${group}/${name}/: that layer is empty`, {
        hint: guess
          ? `did you mean "${guess}"? (${group}/${guess}/ exists)`
          : `create ${group}/${name}/settings.yaml (a comment is enough: git keeps no empty directory)`,
      }),
    );
  }
  return problems;
}

function subdirectories(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
  } catch {
    return [];
  }
}

/** A warning as one block of text: place, message, code frame, hint. */
export function warningText(p: Problem): string {
  const where = p.where ? `${formatLocation(p.where)}  ` : '';
  return [`${where}${p.message}`, p.frame, p.hint ? `  hint: ${p.hint}` : undefined]
    .filter((x) => x !== undefined)
    .join('\n');
}
