// The digest of a chart's file tree, computed the way `sha256sum` would, so a reviewer can recompute
// it without runlevel: cd charts/<chart> && find . -type f -printf '%P\n' | LC_ALL=C sort |
// xargs -d '\n' sha256sum | sha256sum
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** sha256 (hex) of each file, by path relative to the tree's root ('/'-separated). */
export type FileDigests = ReadonlyMap<string, string>;

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Paths in byte order, as `LC_ALL=C sort` orders them. */
export function sortedPaths(paths: Iterable<string>): string[] {
  return [...paths].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

/** sha256 of the `sha256sum` listing of the tree: "<digest>  <path>\n" per file, in path order. */
export function treeDigest(files: FileDigests): string {
  return sha256(
    sortedPaths(files.keys())
      .map((p) => `${files.get(p)}  ${p}\n`)
      .join(''),
  );
}

/** The digests of an in-memory tree (an unpacked archive). */
export function digestsOf(files: ReadonlyMap<string, Buffer>): Map<string, string> {
  return new Map(sortedPaths(files.keys()).map((p) => [p, sha256(files.get(p) ?? Buffer.alloc(0))]));
}

/** A file in the tree that is not a regular file: an archive never unpacks one, so it is an edit. */
export interface OddEntry {
  path: string;
  what: 'symlink' | 'special file';
}

/** Every regular file under dir with its digest; symlinks are reported, never followed. */
export function digestsOnDisk(dir: string): { files: Map<string, string>; odd: OddEntry[] } {
  const files = new Map<string, string>();
  const odd: OddEntry[] = [];
  const walk = (abs: string, rel: string) => {
    for (const name of readdirSync(abs)) {
      const path = join(abs, name);
      const relPath = rel ? `${rel}/${name}` : name;
      const st = lstatSync(path);
      if (st.isDirectory()) walk(path, relPath);
      else if (st.isFile()) files.set(relPath, sha256(readFileSync(path)));
      else odd.push({ path: relPath, what: st.isSymbolicLink() ? 'symlink' : 'special file' });
    }
  };
  walk(dir, '');
  return { files: new Map(sortedPaths(files.keys()).map((p) => [p, files.get(p) ?? ''])), odd };
}

/** What differs between the recorded tree and the one found. */
export interface TreeChanges {
  added: string[];
  removed: string[];
  changed: string[];
}

export function compareTrees(recorded: FileDigests, found: FileDigests): TreeChanges {
  const added = sortedPaths([...found.keys()].filter((p) => !recorded.has(p)));
  const removed = sortedPaths([...recorded.keys()].filter((p) => !found.has(p)));
  const changed = sortedPaths(
    [...found.keys()].filter((p) => recorded.has(p) && recorded.get(p) !== found.get(p)),
  );
  return { added, removed, changed };
}

export function isUnchanged(c: TreeChanges): boolean {
  return c.added.length === 0 && c.removed.length === 0 && c.changed.length === 0;
}
