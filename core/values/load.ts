// Reading the values repo from disk: which files make each layer, in which order, each one
// checked (inside the repo, UTF-8, size) and parsed with positions. Problems are collected, not thrown.
import { isUtf8 } from 'node:buffer';
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Problem } from '../shared/errors.js';
import { lineColAt } from '../shared/source.js';
import type { LayerName } from './model.js';
import { problemAt, type Texts } from './problems.js';

const maxFileBytes = 4 * 1024 * 1024;
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
 */
async function yamlFiles(repo: Repo, dir: string): Promise<string[]> {
  const entries = readdirSync(join(repo.root, dir), { withFileTypes: true }).filter((e) =>
    e.name.endsWith('.yaml'),
  );
  const names = entries.map((e) => e.name).sort();
  const kinds = new Map(entries.map((e) => [e.name, e]));
  const plain = names.filter((n) => !n.endsWith('.sops.yaml'));
  const secret = names.filter((n) => n.endsWith('.sops.yaml'));
  const files: string[] = [];
  for (const n of [...plain, ...secret]) {
    const file = `${dir}/${n}`;
    const e = kinds.get(n);
    // Entries of a directory already known to be inside the repo stay inside unless they are links.
    if (e?.isFile() || (e?.isSymbolicLink() && (await safeFile(repo, file)))) files.push(file);
  }
  return files;
}

/** True when the path exists inside the repo (after following symlinks) and is a directory. */
async function safeDir(repo: Repo, dir: string): Promise<boolean> {
  const real = inside(repo, dir);
  return real !== undefined && statSync(real).isDirectory();
}

async function safeFile(repo: Repo, file: string): Promise<boolean> {
  const real = inside(repo, file);
  return real !== undefined && statSync(real).isFile();
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
  const bytes = readFileSync(join(repo.root, entry.file));
  if (bytes.length > maxFileBytes) {
    repo.problems.push({
      message: `${entry.file} is larger than ${maxFileBytes / 1024 / 1024} MiB`,
      hint: 'split it',
    });
    return undefined;
  }
  const text = decodeUtf8(repo, entry.file, bytes);
  if (text === undefined) return undefined;
  repo.texts.set(entry.file, text);
  return text;
}

/** Strict UTF-8 (a BOM is dropped); a problem at the first bad byte otherwise. */
function decodeUtf8(repo: Repo, file: string, bytes: Buffer): string | undefined {
  if (isUtf8(bytes)) return bytes.toString('utf8').replace(/^\uFEFF/, '');
  const bad = firstInvalidByte(bytes);
  const before = bytes.subarray(0, bad).toString('utf8');
  const at = lineColAt(before, before.length);
  repo.texts.set(file, bytes.toString('utf8'));
  repo.problems.push(
    problemAt(
      repo.texts,
      { file, ...at },
      `not UTF-8: invalid byte 0x${bytes[bad]?.toString(16).padStart(2, '0')} at offset ${bad}`,
      {
        hint: 'save the file as UTF-8',
      },
    ),
  );
  return undefined;
}

/**
 * Offset of the first byte of the first invalid sequence in bytes that are not UTF-8. Decoding
 * puts U+FFFD there and decodes everything before it exactly, so the byte length of the text
 * before it is the offset; a U+FFFD that the file itself holds (EF BF BD) is skipped.
 */
export function firstInvalidByte(bytes: Buffer): number {
  const text = bytes.toString('utf8');
  let at = 0; // byte offset of text[from]
  let from = 0;
  for (let i = text.indexOf('\uFFFD'); i !== -1; i = text.indexOf('\uFFFD', i + 1)) {
    at += Buffer.byteLength(text.slice(from, i));
    from = i;
    if (!(bytes[at] === 0xef && bytes[at + 1] === 0xbf && bytes[at + 2] === 0xbd)) return at;
  }
  return bytes.length;
}

export function relativeTo(root: string, abs: string): string {
  return relative(root, abs).split(sep).join('/');
}
