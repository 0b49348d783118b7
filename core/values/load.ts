// Reading the values repo from disk: which files make each layer, in which order, each one
// checked (inside the repo, UTF-8, size) and parsed with positions. Problems are collected, not thrown.
import { type Dirent, lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Problem } from '../shared/errors.js';
import type { LayerName } from './model.js';
import { problemAt, type Texts } from './problems.js';
import { readText as readFileText, unreadable } from './read-text.js';

export { firstInvalidByte } from './read-text.js';

const namePattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
// <group>/<name>.yaml merges under <group>.<name>; charts/ holds the values of added charts by
// release name (docs/charts.md), and helm refuses release names over 53 characters.
const groups = ['teams', 'apps', 'charts'] as const;
type Group = (typeof groups)[number];
const groupNames: Record<Group, { max: number; what: string }> = {
  teams: { max: 40, what: 'team' },
  apps: { max: 63, what: 'app' },
  charts: { max: 53, what: 'chart release' },
};

/** A file found in a layer directory, before it is read. */
export interface LayerEntry {
  file: string; // relative to the repo
  layer: LayerName;
  placement: string[];
}

/** Everything `readRepoFile` needs to know about the repo root. */
export interface Repo {
  root: string; // real path of the values repo
  texts: Texts;
  problems: Problem[];
}

export async function openRepo(valuesDir: string): Promise<Repo | undefined> {
  try {
    const root = await realpath(valuesDir);
    if (!(await stat(root)).isDirectory()) return undefined;
    return { root, texts: new Map(), problems: [] };
  } catch {
    return undefined;
  }
}

/** The files of one layer, in merge order: top-level files, then teams/, apps/, charts/; plain before *.sops.yaml. */
export async function listLayer(repo: Repo, dir: string, layer: LayerName): Promise<LayerEntry[]> {
  if (!(await safeDir(repo, dir))) return [];
  const entries: LayerEntry[] = [];
  for (const file of await yamlFiles(repo, dir)) entries.push({ file, layer, placement: [] });
  for (const group of groups) {
    const sub = `${dir}/${group}`;
    if (!(await safeDir(repo, sub))) continue;
    for (const file of await yamlFiles(repo, sub)) {
      const name = file.slice(sub.length + 1).replace(/(\.sops)?\.yaml$/, '');
      const problem = nameProblem(group, name);
      if (problem) {
        repo.problems.push(
          problemAt(repo.texts, { file, line: 1, col: 1 }, problem.message, { hint: problem.hint }),
        );
        continue;
      }
      entries.push({ file, layer, placement: [group, name] });
    }
  }
  return entries;
}

function nameProblem(group: Group, name: string): { message: string; hint: string } | undefined {
  const { max, what } = groupNames[group];
  if (namePattern.test(name) && name.length <= max) return undefined;
  const suggestion = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max);
  return {
    message: `"${name}" is not a valid ${what} name: the file name must be a DNS-1123 label of at most ${max} characters`,
    hint: `use lower-case letters, digits and '-'${suggestion ? `, e.g. rename it to ${group}/${suggestion}.yaml` : ''}`,
  };
}

/**
 * `*.yaml` files directly in dir, sorted, plain files before encrypted ones. Synchronous on
 * purpose: thousands of small directory entries are listed faster without a thread-pool hop each.
 * What looks meant as values but would not be read (`x.yml`, a directory `x.yaml`, a FIFO) is a
 * problem, never silently skipped.
 */
async function yamlFiles(repo: Repo, dir: string): Promise<string[]> {
  let listed: Dirent[];
  try {
    listed = readdirSync(join(repo.root, dir), { withFileTypes: true });
  } catch (err) {
    repo.problems.push(unreadable(repo.texts, dir, err));
    return [];
  }
  for (const e of listed)
    if (/\.yml$/i.test(e.name) || (/\.yaml$/i.test(e.name) && !e.name.endsWith('.yaml')))
      misnamed(repo, dir, e.name);
  const entries = listed.filter((e) => e.name.endsWith('.yaml'));
  const names = entries.map((e) => e.name).sort();
  const kinds = new Map(entries.map((e) => [e.name, e]));
  const plain = names.filter((n) => !n.endsWith('.sops.yaml'));
  const secret = names.filter((n) => n.endsWith('.sops.yaml'));
  const files: string[] = [];
  for (const n of [...plain, ...secret]) {
    const file = `${dir}/${n}`;
    const e = kinds.get(n);
    // Entries of a directory already known to be inside the repo stay inside unless they are links.
    const real = e?.isSymbolicLink() ? inside(repo, file) : join(repo.root, file);
    if (real === undefined) continue; // a link out of the repo: inside() said so
    if (e?.isFile() || statSync(real, { throwIfNoEntry: false })?.isFile()) files.push(file);
    else notAFile(repo, file, statSync(real, { throwIfNoEntry: false })?.isDirectory() ?? false);
  }
  return files;
}

/** `x.yml` or `X.YAML`: values files end in `.yaml`, and only those are read. */
function misnamed(repo: Repo, dir: string, name: string): void {
  const renamed = name.replace(/\.ya?ml$/i, '.yaml');
  repo.problems.push(
    problemAt(
      repo.texts,
      { file: `${dir}/${name}`, line: 1, col: 1 },
      'is not read: values files end in .yaml',
      {
        hint: `rename it: git mv ${dir}/${name} ${dir}/${renamed}`,
      },
    ),
  );
}

function notAFile(repo: Repo, file: string, directory: boolean): void {
  repo.problems.push(
    problemAt(
      repo.texts,
      { file, line: 1, col: 1 },
      directory
        ? 'is a directory, not a values file: nothing in it is read'
        : 'is not a regular file (a FIFO, socket or device)',
      {
        hint: directory
          ? `rename the directory so it does not end in .yaml; values files sit directly in ${file.slice(0, file.lastIndexOf('/'))}/`
          : 'values files are plain files',
      },
    ),
  );
}

/** True when the path exists inside the repo (after following symlinks) and is a directory. */
async function safeDir(repo: Repo, dir: string): Promise<boolean> {
  const real = inside(repo, dir);
  return real !== undefined && statSync(real).isDirectory();
}

/** The real path when it stays inside the repo; a problem when a symlink leads out of it. */
function inside(repo: Repo, rel: string): string | undefined {
  const abs = join(repo.root, rel);
  if (!lstatSync(abs, { throwIfNoEntry: false })) return undefined;
  let real: string;
  try {
    real = realpathSync(abs);
  } catch {
    repo.problems.push({
      message: `${rel} is a broken symlink`,
      hint: 'remove it or point it at a file inside the values repo',
    });
    return undefined;
  }
  if (real !== repo.root && !real.startsWith(repo.root + sep)) {
    repo.problems.push({
      message: `${rel} leads outside the values repo (symlink)`,
      hint: 'values must live inside the repo: copy the file in instead of linking to it',
    });
    return undefined;
  }
  return real;
}

/** Read and decode one file (kept in repo.texts for code frames). Undefined when it cannot be used. */
export function readText(repo: Repo, entry: LayerEntry): string | undefined {
  return readFileText(repo, entry.file);
}

export function relativeTo(root: string, abs: string): string {
  return relative(root, abs).split(sep).join('/');
}
