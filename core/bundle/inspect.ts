// bundle inspect: the index of a bundle, read from the tar without unpacking its blobs, and
// whether its signature verifies when a public key is given.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { list } from 'tar';
import { UserError } from '../shared/errors.js';
import { withScratchDir } from '../shared/scratch.js';
import { type BundleIndex, IndexFile, SignatureFile } from './format.js';
import { verifyBlobSignature } from './signature.js';
import { readBundleIndex } from './verify.js';

export interface Inspection {
  index: BundleIndex;
  signed: boolean;
  /** undefined: no public key given. */
  signature: { verified: boolean; reason?: string; key: string } | undefined;
}

export async function inspectBundle(file: string, publicKey: string | undefined): Promise<Inspection> {
  if (!existsSync(file)) throw new UserError(`no bundle at ${file}`);
  const wanted = new Map<string, Buffer>();
  try {
    await list({
      file,
      strict: true,
      filter: (path) => path === IndexFile || path === SignatureFile,
      onReadEntry: (entry) => {
        const chunks: Buffer[] = [];
        entry.on('data', (c: Buffer) => chunks.push(c));
        entry.on('end', () => wanted.set(entry.path, Buffer.concat(chunks)));
      },
    });
  } catch (err) {
    throw new UserError(`${file} is not a bundle tar: ${(err as Error).message}`);
  }
  return withScratchDir('bundle-inspect', async (dir) => {
    for (const [name, content] of wanted) await writeFile(join(dir, name), content);
    const index = await readBundleIndex(dir);
    const signed = wanted.has(SignatureFile);
    if (!publicKey) return { index, signed, signature: undefined };
    if (!signed)
      return { index, signed, signature: { verified: false, reason: 'not signed', key: publicKey } };
    const r = await verifyBlobSignature(publicKey, join(dir, IndexFile), join(dir, SignatureFile));
    return {
      index,
      signed,
      signature: r.ok
        ? { verified: true, key: publicKey }
        : { verified: false, reason: r.reason, key: publicKey },
    };
  });
}
