// images.lock.yaml at the values repo root: the digest of every image a bundle carried, keyed by
// the full reference the charts render. Render pins images by it, so a reviewed commit says which
// bytes run. Entries of images no longer carried are kept: a cluster's bundle must not drop the
// pins another cluster of the same repo relies on.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { UserError } from '../shared/errors.js';
import { formatImageLock, imageLockFile } from '../shared/images/lock.js';

export const LockFile = imageLockFile;

export async function readLock(valuesDir: string): Promise<Record<string, string>> {
  const file = join(valuesDir, LockFile);
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return {};
  let data: unknown;
  try {
    data = parse(text);
  } catch (err) {
    throw new UserError(`${file} is not valid YAML: ${(err as Error).message}`, {
      hint: 'fix it or remove it: bundle create writes it again',
    });
  }
  const images = (data as { images?: unknown } | null)?.images ?? {};
  if (typeof images !== 'object' || images === null || Array.isArray(images)) {
    throw new UserError(`${file}: "images" must be a map of image reference to digest`);
  }
  return Object.fromEntries(Object.entries(images).map(([k, v]) => [k, String(v)]));
}

/** Adds (or updates) entries, keeps the rest; written to a temporary name, then renamed. */
export async function updateLock(valuesDir: string, pins: Record<string, string>): Promise<string> {
  const file = join(valuesDir, LockFile);
  const merged = { ...(await readLock(valuesDir)), ...pins };
  await writeFile(`${file}.partial`, formatImageLock(merged));
  await rename(`${file}.partial`, file);
  return file;
}
