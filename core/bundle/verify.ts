// Everything `bundle push` checks before it sends a byte: the index's signature (offline, with the
// public key kept in the values repo), every blob's sha256 against its name, every descriptor's
// size, each image of the index present in its layout, and the core image's own signature.
// A bundle that fails is refused naming what failed (exit 8).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../shared/errors.js';
import { ExitCode } from '../shared/exit-codes.js';
import { log } from '../shared/log.js';
import { BundleFormat, type BundleIndex, CoreDir, IndexFile, SignatureFile } from './format.js';
import { bundleIndexProblems } from './index-schema.js';
import {
  type Descriptor,
  hashBlobs,
  LayoutError,
  reachableBlobs,
  readLayoutIndex,
  sumSizes,
} from './layout.js';
import { verifyBlobSignature, verifyLayoutSignature } from './signature.js';

export interface VerifiedImage {
  /** The layout entry of the image (what crane pushes). */
  entry: Descriptor;
  /** Every blob it reaches, with sizes: what a push may send. */
  blobs: Descriptor[];
}

export async function readBundleIndex(dir: string): Promise<BundleIndex> {
  const file = join(dir, IndexFile);
  if (!existsSync(file)) throw refuse(`not a runlevel bundle: it has no ${IndexFile}`);
  let index: unknown;
  try {
    index = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw refuse(`${IndexFile} is not valid JSON: ${(err as Error).message}`);
  }
  const format = (index as { format?: unknown } | null)?.format;
  if (format !== undefined && format !== BundleFormat) {
    throw refuse(`${IndexFile} is format ${JSON.stringify(format)}; this runlevel reads ${BundleFormat}`);
  }
  const problems = bundleIndexProblems(index);
  if (problems.length > 0) {
    throw new UserError(
      `${IndexFile} is not a bundle index runlevel made (${problems.length === 1 ? '1 problem' : `${problems.length} problems`})`,
      {
        exitCode: ExitCode.verifyFailed,
        problems,
        hint: 'the bundle was made by something else or changed after it was made: make it again with `runlevel bundle create`',
      },
    );
  }
  return index as BundleIndex;
}

/** The index's signature with the public key; undefined key: skipped, said loudly. */
export async function verifySignature(
  dir: string,
  publicKey: string | undefined,
): Promise<'verified' | 'skipped'> {
  if (publicKey === undefined) {
    log.warn(
      'SIGNATURE NOT VERIFIED (--insecure-skip-verify): anyone could have made or changed this bundle',
    );
    return 'skipped';
  }
  if (!existsSync(join(dir, SignatureFile))) {
    throw refuse(
      `the bundle is not signed: it has no ${SignatureFile}`,
      'create it with `runlevel bundle create --key cosign.key`',
    );
  }
  const r = await verifyBlobSignature(publicKey, join(dir, IndexFile), join(dir, SignatureFile));
  if (!r.ok) {
    throw refuse(
      `the bundle index signature does not verify with ${publicKey}: ${r.reason}`,
      'the index was changed after it was signed, or signed with another key: make the bundle again from a trusted machine',
    );
  }
  return 'verified';
}

/**
 * Every blob's content and every image's descriptors, against the (verified) index. Returns each
 * image's entry and blobs, by digest and layout.
 */
export async function verifyContent(
  dir: string,
  index: BundleIndex,
  onBytes: (n: number) => void = () => {},
): Promise<Map<string, VerifiedImage>> {
  const layouts = [...new Set(index.images.map((i) => i.layout))];
  const verified = new Map<string, VerifiedImage>();
  try {
    for (const layout of layouts) await hashBlobs(join(dir, layout), onBytes);
    for (const image of index.images) {
      const layout = join(dir, image.layout);
      const entry = (await readLayoutIndex(layout)).find((d) => d.digest === image.digest);
      if (!entry)
        throw new LayoutError(
          image.digest,
          `${image.source} (${image.digest}) is not in the bundle's layout`,
        );
      const blobs = await reachableBlobs(layout, entry);
      // The core's size counts its signatures too; every platform image is its own blobs.
      if (!image.core && sumSizes(blobs) !== image.size) {
        throw new LayoutError(
          image.digest,
          `${image.source} (${image.digest}) is ${sumSizes(blobs)} bytes, the index says ${image.size}`,
        );
      }
      verified.set(`${image.layout}@${image.digest}`, { entry, blobs });
    }
    if (existsSync(join(dir, CoreDir, 'index.json'))) {
      for (const d of await readLayoutIndex(join(dir, CoreDir))) await reachableBlobs(join(dir, CoreDir), d);
    }
  } catch (err) {
    if (err instanceof LayoutError) {
      throw refuse(
        `the bundle was changed: ${err.message}; nothing was pushed`,
        `digest that failed: ${err.digest}`,
      );
    }
    throw err;
  }
  return verified;
}

/** The core image's own signature (its layout carries it), with the same public key. */
export async function verifyCoreSignature(dir: string, publicKey: string): Promise<void> {
  const r = await verifyLayoutSignature(publicKey, join(dir, CoreDir));
  if (!r.ok) {
    throw refuse(
      `the core image in the bundle is not signed by ${publicKey}: ${r.reason}`,
      "sign it with `make image` and the values repo's key, then make the bundle again",
    );
  }
}

function refuse(message: string, hint?: string): UserError {
  return new UserError(message, { exitCode: ExitCode.verifyFailed, ...(hint ? { hint } : {}) });
}
