// images.lock.yaml at the values repo root: the digest of every image, written by `runlevel bundle
// create` and committed with the values, so the mirror rewrite pins each image by digest. It is
// part of the values repo, so the values stage reads and validates it, and hands it on resolved.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { imageLockFile } from '../shared/images/lock.js';
import { formatImageRef, parseImageRef } from '../shared/images/reference.js';
import type { Repo } from './load.js';
import { child, isMap } from './model.js';
import { problemAt } from './problems.js';
import { readText } from './read-text.js';

export { imageLockFile };

export interface ImageLock {
  file: typeof imageLockFile;
  /** Source reference in full form (formatImageRef) → sha256:<64 hex>. */
  digests: Record<string, string>;
  /** Where each entry is written, for messages. */
  lines: Record<string, number>;
}

const digestPattern = /^sha256:[0-9a-f]{64}$/;

/** The lock when the repo has one; its problems (with file:line) go to `scope.problems`. */
export async function readImageLock(scope: Repo): Promise<ImageLock | undefined> {
  if (!existsSync(join(scope.root, imageLockFile))) return undefined;
  const text = readText(scope, imageLockFile);
  if (text === undefined) return undefined;
  const { readFull } = await import('../shared/yaml/full.js');
  const read = readFull(text, imageLockFile, 'lock' as const, []);
  if ('errors' in read) {
    const { yamlProblems } = await import('./problems.js');
    scope.problems.push(...yamlProblems(scope.texts, imageLockFile, text, read.errors));
    return undefined;
  }
  const { value, origins } = read.tree;
  const at = (ptr: string) => {
    const o = origins.get(ptr) ?? { file: imageLockFile, line: 1, col: 1 };
    return { file: imageLockFile, line: o.line, col: o.col };
  };
  const problem = (ptr: string, message: string, hint: string) =>
    scope.problems.push(problemAt(scope.texts, at(ptr), message, { hint }));
  const shape =
    'images.lock.yaml is `images:` mapping each image (registry/repository:tag) to sha256:<64 hex>';
  const images = isMap(value) ? value.images : undefined;
  if (!isMap(value) || !isMap(images) || Object.keys(value).some((k) => k !== 'images')) {
    problem('', 'must hold one key, images, a map of image to digest', shape);
    return undefined;
  }
  const lock: ImageLock = { file: imageLockFile, digests: {}, lines: {} };
  for (const [ref, digest] of Object.entries(images)) {
    const ptr = child('/images', ref);
    const parsed = parseImageRef(ref);
    if (!parsed || formatImageRef(parsed) !== ref || parsed.digest) {
      const full = parsed ? formatImageRef({ ...parsed, digest: undefined }) : undefined;
      const key = origins.get(ptr)?.key;
      scope.problems.push(
        problemAt(
          scope.texts,
          key ? { file: imageLockFile, ...key } : at(ptr),
          `"${ref}" is not an image reference in full form`,
          { hint: full ? `write it as ${full}` : shape },
        ),
      );
      continue;
    }
    if (typeof digest !== 'string' || !digestPattern.test(digest)) {
      problem(
        ptr,
        `the digest of ${ref} must be sha256:<64 lower-case hex>`,
        'run `runlevel bundle create` again to rewrite the lock',
      );
      continue;
    }
    lock.digests[ref] = digest;
    lock.lines[ref] = at(ptr).line;
  }
  return lock;
}
