// runlevel.yaml: the repo's pinned core version and its clusters, read and validated first.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { closest } from '../shared/edit-distance.js';
import { UserError } from '../shared/errors.js';
import { ExitCode } from '../shared/exit-codes.js';
import { readFast } from '../shared/yaml/fast.js';
import { openRepo, type Repo, readText } from './load.js';
import { isMap, type Origins } from './model.js';
import { plural, problemAt, sortProblems, yamlProblems } from './problems.js';
import { rolloutProblems } from './repo-rollout.js';
import type { RunlevelFile } from './types.generated.js';
import { schemaProblems, validators } from './validate.js';

export const repoFileName = 'runlevel.yaml';

export interface OpenedRepo extends Repo {
  file: RunlevelFile;
  origins: Origins; // of runlevel.yaml's nodes
}

export async function readRepoFile(valuesDir: string): Promise<OpenedRepo> {
  const repo = await openRepo(valuesDir);
  if (!repo) {
    throw new UserError(`values repo ${valuesDir} does not exist or is not a directory`, {
      hint: 'pass --values DIR (or RUNLEVEL_VALUES_DIR); `runlevel init DIR` creates one',
    });
  }
  if (!existsSync(join(repo.root, repoFileName))) {
    throw new UserError(`no ${repoFileName} in ${valuesDir}: this is not a values repo`, {
      hint: 'pass --values DIR (or RUNLEVEL_VALUES_DIR); `runlevel init DIR` creates one',
    });
  }
  const entry = { file: repoFileName, layer: 'common' as const, placement: [] };
  const text = readText(repo, entry);
  let value: unknown;
  let origins: Origins = new Map();
  const simple = text === undefined ? undefined : readFast(text, repoFileName, 'repo' as const, []);
  if (simple) ({ value, origins } = simple);
  else if (text !== undefined) ({ value, origins } = await readFullRepoFile(repo, text));
  let file: RunlevelFile | undefined;
  if (text !== undefined && repo.problems.length === 0) {
    const check = validators().repoFile;
    const data = value ?? {};
    if (check(data)) {
      file = data;
      repo.problems.push(...rolloutProblems(data, origins, repo.texts));
    } else {
      const fallback = new Map(origins);
      if (!fallback.has('')) fallback.set('', { file: repoFileName, line: 1, col: 1, layer: 'repo' });
      repo.problems.push(...schemaProblems(check.errors ?? [], { origins: fallback, texts: repo.texts }));
    }
  }
  if (!file || repo.problems.length > 0) throw invalid(`${repoFileName} is invalid`, repo);
  return { ...repo, file, origins };
}

/** runlevel.yaml through the full parser (lazily imported), problems recorded in the repo. */
async function readFullRepoFile(repo: Repo, text: string): Promise<{ value?: unknown; origins: Origins }> {
  const { readFull } = await import('../shared/yaml/full.js');
  const read = readFull(text, repoFileName, 'repo' as const, []);
  if ('tree' in read) return read.tree;
  repo.problems.push(...yamlProblems(repo.texts, repoFileName, text, read.errors));
  return { origins: new Map() };
}

/** The cluster's entry, or an error pointing at the clusters map with the names it holds. */
export function clusterEntry(
  repo: OpenedRepo,
  cluster: string | undefined,
): { name: string; environment: string } {
  const names = Object.keys(repo.file.clusters);
  if (!cluster) {
    throw new UserError('no cluster given', {
      hint: `pass --cluster (or RUNLEVEL_CLUSTER): one of ${names.join(', ')}`,
    });
  }
  const entry = Object.hasOwn(repo.file.clusters, cluster) ? repo.file.clusters[cluster] : undefined;
  if (!entry || !isMap(entry)) {
    const o = repo.origins.get('/clusters');
    const where = o?.key ? { ...o, ...o.key } : o;
    const guess = closest(cluster, names);
    throw new UserError(`cluster "${cluster}" is not listed in ${repoFileName}`, {
      problems: [problemAt(repo.texts, where, `the clusters listed here are: ${names.join(', ')}`)],
      hint: guess
        ? `did you mean "${guess}"?`
        : `add it under clusters: in ${repoFileName}, with its environment`,
    });
  }
  return { name: cluster, environment: entry.environment };
}

export function invalid(message: string, repo: Pick<Repo, 'problems'>): UserError {
  const problems = sortProblems(repo.problems);
  return new UserError(`${message} (${plural(problems.length, 'problem')})`, {
    exitCode: ExitCode.invalid,
    problems,
  });
}
