// images.lock.yaml as `runlevel bundle create` writes it (the values stage reads it:
// core/values/image-lock.ts): the digest of every image, keys in full form, sorted.

export const imageLockFile = 'images.lock.yaml';

export const imageLockHeader =
  '# written by runlevel bundle create: the digest of every image, commit it with your values';

/** The lock's text: the header, then `images:` with one image a line, sorted. */
export function formatImageLock(digests: Readonly<Record<string, string>>): string {
  const lines = Object.keys(digests)
    .sort()
    .map((ref) => `  ${ref}: ${digests[ref]}`);
  return `${imageLockHeader}\nimages:${lines.length === 0 ? ' {}' : `\n${lines.join('\n')}`}\n`;
}
