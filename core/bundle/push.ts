// bundle push: verify everything first (verify.ts), then push each image BY DIGEST (crane skips
// blobs the mirror has, so a re-run resumes), confirm each digest, and only when every image is
// there tag them: an interrupted or failed push leaves nothing half-pushed under a tag.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { extract } from 'tar';
import { ToolError, UserError } from '../shared/errors.js';
import { formatImageRef, type ImageRef, repositoryOf } from '../shared/images/reference.js';
import { log } from '../shared/log.js';
import { mapLimit } from '../shared/pool.js';
import { withScratchDir } from '../shared/scratch.js';
import { shutdown } from '../shared/shutdown.js';
import type { BundleImage, BundleIndex } from './format.js';
import { inMirror } from './mirror-path.js';
import { byteProgress, formatBytes } from './progress.js';
import { pushCore } from './push-core.js';
import { craneDigest, cranePush, craneTag, type RegistryOptions } from './tools.js';
import {
  readBundleIndex,
  type VerifiedImage,
  verifyContent,
  verifyCoreSignature,
  verifySignature,
} from './verify.js';

/** Registry calls at once for the small ones (is it there, tag it); pushes go one at a time. */
const concurrency = 4;

export interface PushOptions {
  file: string;
  /** The mirror: host[:port][/prefix]. */
  to: string;
  /** undefined: --insecure-skip-verify. */
  publicKey: string | undefined;
  registry: RegistryOptions;
}

export interface PushedImage {
  source: string;
  target: string;
  digest: string;
  state: 'pushed' | 'skipped';
  pushedBytes: number;
  skippedBytes: number;
}

export interface PushReport {
  index: BundleIndex;
  signature: 'verified' | 'skipped';
  images: PushedImage[];
}

export async function pushBundle(o: PushOptions): Promise<PushReport> {
  if (!existsSync(o.file)) throw new UserError(`no bundle at ${o.file}`);
  return withScratchDir('bundle-push', async (dir) => {
    await unpack(o.file, dir);
    const index = await readBundleIndex(dir);
    const signature = await verifySignature(dir, o.publicKey);
    const verified = await verifyContent(dir, index);
    const core = index.images.find((i) => i.core);
    if (core && o.publicKey) await verifyCoreSignature(dir, o.publicKey);
    log.done(
      `verified ${index.images.length} images, ${formatBytes(index.total)}: every blob matches its digest`,
    );

    // What the mirror has already (a second push, or one resumed after an interruption), asked
    // of every image at once: each is one small request.
    const present = await mapLimit(index.images, concurrency, (image) => isPresent(image, o));
    const progress = byteProgress('pushing', index.total, index.images.length);
    const images: PushedImage[] = [];
    try {
      for (const [i, image] of index.images.entries()) {
        if (shutdown.signal.aborted) throw shutdown.signal.reason;
        const v = verified.get(`${image.layout}@${image.digest}`) as VerifiedImage;
        progress.start(image.source, image.size);
        const target = formatImageRef(mirrorRef(image, o.to));
        const pushed: PushedImage = present[i]
          ? {
              source: image.source,
              target,
              digest: image.digest,
              state: 'skipped',
              pushedBytes: 0,
              skippedBytes: image.size,
            }
          : image.core
            ? {
                source: image.source,
                target,
                digest: image.digest,
                ...(await pushCore(dir, image, repositoryOf(mirrorRef(image, o.to)), o.registry)),
              }
            : await pushImage(dir, image, v, join(dir, `view-${i}`), o);
        images.push(pushed);
        const bytes = `${formatBytes(pushed.pushedBytes)} sent, ${formatBytes(pushed.skippedBytes)} already there`;
        progress.finish(image.source, `${pushed.target.split('@')[0]} ${pushed.state} (${bytes})`);
      }
    } finally {
      progress.close();
    }
    // Every image is in the mirror by digest: now, and only now, the tags.
    await mapLimit(index.images, concurrency, async (image) => {
      const ref = mirrorRef(image, o.to);
      if (ref.tag === undefined) return;
      if (shutdown.signal.aborted) throw shutdown.signal.reason;
      await craneTag(`${repositoryOf(ref)}@${image.digest}`, ref.tag, o.registry);
      log.debug(() => `tagged ${formatImageRef({ ...ref, digest: undefined })}`);
    });
    return { index, signature, images };
  });
}

async function unpack(file: string, dir: string): Promise<void> {
  try {
    // No absolute paths, no '..', no links out of the directory (node-tar's defaults).
    await extract({ file: resolve(file), cwd: dir, strict: true });
  } catch (err) {
    throw new UserError(`${file} is not a bundle tar: ${(err as Error).message}`);
  }
}

/** Where an image goes in the mirror; the core to <mirror>/runlevel:<version>. */
export function mirrorRef(image: BundleImage, to: string): ImageRef {
  if (!image.core) return inMirror(image.source, to);
  const [host = '', ...prefix] = to.replace(/\/+$/, '').split('/');
  const [repository = 'runlevel', tag] = image.target.split(':');
  return { registry: host, repository: [...prefix, repository].join('/'), ...(tag ? { tag } : {}) };
}

async function pushImage(
  dir: string,
  image: BundleImage,
  v: VerifiedImage,
  view: string,
  o: PushOptions,
): Promise<PushedImage> {
  const ref = mirrorRef(image, o.to);
  const byDigest = `${repositoryOf(ref)}@${image.digest}`;
  const base = { source: image.source, target: formatImageRef(ref), digest: image.digest };
  // A layout of this one image whose blobs are the bundle's: crane pushes one entry at a time.
  await mkdir(view);
  await copyFile(join(dir, image.layout, 'oci-layout'), join(view, 'oci-layout'));
  const one = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [v.entry],
  };
  await writeFile(join(view, 'index.json'), JSON.stringify(one));
  await symlink(join(dir, image.layout, 'blobs'), join(view, 'blobs'));
  const outcome = await cranePush(view, byDigest, o.registry);
  await confirm(byDigest, image.digest, o.registry);
  const size = new Map(v.blobs.map((b) => [b.digest, b.size]));
  const sent = outcome.pushed.reduce((n, d) => n + (size.get(d) ?? 0), 0) + v.entry.size;
  return { ...base, state: 'pushed', pushedBytes: sent, skippedBytes: Math.max(0, image.size - sent) };
}

/** The image is in the mirror by digest (the core with its signature too). */
async function isPresent(image: BundleImage, o: PushOptions): Promise<boolean> {
  const repo = repositoryOf(mirrorRef(image, o.to));
  if ((await craneDigest(`${repo}@${image.digest}`, o.registry)) !== image.digest) return false;
  if (!image.core) return true;
  return (await craneDigest(`${repo}:${image.digest.replace(':', '-')}.sig`, o.registry)) !== undefined;
}

async function confirm(byDigest: string, digest: string, registry: RegistryOptions): Promise<void> {
  const found = await craneDigest(byDigest, registry);
  if (found !== digest) {
    throw new ToolError(
      `pushed ${byDigest}, but the mirror answers ${found ?? 'nothing'} for it; nothing was tagged`,
    );
  }
}
