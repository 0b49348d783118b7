// bundle create: pull every platform image into one OCI layout (crane, one call per image, the
// layout keeping each shared blob once), carry the signed core image's layout beside it, write
// and sign the index, and pack it all into one tar, written under a temporary name and renamed.
import { existsSync } from 'node:fs';
import { cp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { create as tarCreate } from 'tar';
import type { PlatformImage } from '../images/types.js';
import { UserError } from '../shared/errors.js';
import { formatImageRef, parseImageRef, repositoryOf } from '../shared/images/reference.js';
import { log } from '../shared/log.js';
import { removeOnExit, withScratchDir } from '../shared/scratch.js';
import { findCoreImage } from './core-layout.js';
import {
  BundleFormat,
  type BundleImage,
  type BundleIndex,
  CoreDir,
  coreTarget,
  IndexFile,
  RefAnnotation,
  SignatureFile,
} from './format.js';
import { type Kit, writeKit } from './kit.js';
import { blobsBytes, reachableBlobs, readLayoutIndex, sumSizes } from './layout.js';
import { mirrorPath } from './mirror-path.js';
import { byteProgress, formatBytes } from './progress.js';
import { cosignSignBlob, craneManifest, cranePull, type RegistryOptions } from './tools.js';

export interface CreateOptions {
  cluster: string;
  coreVersion: string;
  images: readonly PlatformImage[];
  /** A `cosign save --dir` layout of the signed core image; undefined: no core in the bundle. */
  coreLayout: string | undefined;
  /** cosign private key; undefined: the index is not signed (push then refuses it by default). */
  key: string | undefined;
  output: string;
  registry: RegistryOptions;
}

export interface CreateResult {
  index: BundleIndex;
  file: string;
  bytes: number;
  /** What the far side needs besides Docker (kit.ts); undefined without the core. */
  kit: Kit | undefined;
}

export async function createBundle(o: CreateOptions): Promise<CreateResult> {
  if (o.coreLayout !== undefined && !existsSync(join(o.coreLayout, 'index.json'))) {
    throw new UserError(`no signed core image at ${o.coreLayout}`, {
      hint: '`make image` writes it (signed, with cosign save); or name one with --core-layout DIR, or leave the core out with --without-core',
    });
  }
  const pulls = uniquePulls(o.images);
  return withScratchDir('bundle', async (dir) => {
    const images = await pullAll(pulls, dir, o.registry);
    if (o.coreLayout !== undefined)
      images.push(await carryCore(o.coreLayout, join(dir, CoreDir), o.coreVersion));
    images.sort((a, b) => (a.core === b.core ? a.source.localeCompare(b.source) : a.core ? -1 : 1));
    const index: BundleIndex = {
      format: BundleFormat,
      created: new Date().toISOString(),
      cluster: o.cluster,
      coreVersion: o.coreVersion,
      images,
      total: (await blobsBytes(dir)) + (await blobsBytes(join(dir, CoreDir))),
    };
    await writeFile(join(dir, IndexFile), `${JSON.stringify(index, null, 2)}\n`);
    const entries = ['oci-layout', 'index.json', 'blobs', IndexFile];
    if (o.key) {
      await cosignSignBlob(o.key, join(dir, IndexFile), join(dir, SignatureFile));
      entries.push(SignatureFile);
    } else
      log.warn(
        'no --key: the bundle index is not signed; bundle push refuses it unless --insecure-skip-verify',
      );
    if (o.coreLayout !== undefined) entries.push(CoreDir);
    const partial = `${o.output}.partial`;
    const forget = removeOnExit(partial);
    try {
      await tarCreate({ file: partial, cwd: dir, portable: true }, entries);
      await rename(partial, o.output);
    } finally {
      await rm(partial, { force: true });
      forget();
    }
    const kit =
      o.coreLayout === undefined
        ? undefined
        : await writeKit({
            bundle: o.output,
            coreLayout: o.coreLayout,
            coreVersion: o.coreVersion,
            key: o.key,
          });
    return { index, file: o.output, bytes: (await stat(o.output)).size, kit };
  });
}

interface Pull {
  source: string;
  /** What crane pulls: the locked digest when there is one, else the reference as rendered. */
  ref: string;
}

function uniquePulls(images: readonly PlatformImage[]): Pull[] {
  const bySource = new Map<string, Pull>();
  for (const image of images) {
    if (image.core) continue; // the core comes signed from its own layout, not from a registry
    const parsed = parseImageRef(image.source);
    if (!parsed) throw new UserError(`"${image.source}" is not an image reference`);
    const source = formatImageRef(parsed);
    const ref = image.digest && !parsed.digest ? `${repositoryOf(parsed)}@${image.digest}` : source;
    bySource.set(source, { source, ref });
  }
  return [...bySource.values()].sort((a, b) => a.source.localeCompare(b.source));
}

async function pullAll(pulls: Pull[], layout: string, registry: RegistryOptions): Promise<BundleImage[]> {
  const sizes = await Promise.all(pulls.map((p) => expectedSize(p.ref, registry)));
  const total = sizes.reduce((n, s) => n + s, 0);
  const progress = byteProgress('pulling', total, pulls.length);
  const images: BundleImage[] = [];
  try {
    for (const [i, pull] of pulls.entries()) {
      const started = Date.now();
      const before = await blobsBytes(layout);
      progress.start(pull.source, sizes[i] ?? 0);
      const timer = setInterval(() => {
        blobsBytes(layout).then((now) => progress.update(pull.source, now - before));
      }, 250);
      try {
        await cranePull(pull.ref, layout, registry);
      } finally {
        clearInterval(timer);
      }
      const image = await annotateLast(layout, pull.source);
      images.push(image);
      const took = ((Date.now() - started) / 1000).toFixed(1);
      progress.finish(
        pull.source,
        `${pull.source} ${image.digest.slice(0, 19)} ${formatBytes(image.size)} in ${took}s`,
      );
    }
  } finally {
    progress.close();
  }
  return images;
}

/** The bytes an image will take: from its manifest (and its children's, for an index). */
async function expectedSize(ref: string, registry: RegistryOptions): Promise<number> {
  const m = (await craneManifest(ref, registry)) as {
    config?: { size: number };
    layers?: { size: number }[];
    manifests?: { digest: string; size: number; platform?: { os: string; architecture: string } }[];
  };
  if (m.manifests) {
    const wanted = registry.platform
      ? m.manifests.filter((c) => `${c.platform?.os}/${c.platform?.architecture}` === registry.platform)
      : m.manifests;
    const parsed = parseImageRef(ref);
    const repo = parsed ? repositoryOf(parsed) : ref;
    const children = await Promise.all(wanted.map((c) => expectedSize(`${repo}@${c.digest}`, registry)));
    return children.reduce((n, s) => n + s, 0);
  }
  return (m.config?.size ?? 0) + (m.layers ?? []).reduce((n, l) => n + l.size, 0);
}

/** crane appended the image last: name it by its source, and measure what it reaches. */
async function annotateLast(layout: string, source: string): Promise<BundleImage> {
  const file = join(layout, 'index.json');
  const index = JSON.parse(await readFile(file, 'utf8')) as { manifests: Record<string, unknown>[] };
  const entry = index.manifests.at(-1) as {
    mediaType: string;
    digest: string;
    size: number;
    annotations?: Record<string, string>;
  };
  entry.annotations = { ...entry.annotations, [RefAnnotation]: source };
  await writeFile(file, `${JSON.stringify(index, null, 2)}\n`);
  const blobs = await reachableBlobs(layout, entry);
  return {
    source,
    target: mirrorPath(source),
    digest: entry.digest,
    mediaType: entry.mediaType,
    size: sumSizes(blobs),
    core: false,
    layout: '.',
  };
}

async function carryCore(from: string, to: string, version: string): Promise<BundleImage> {
  await cp(from, to, { recursive: true, dereference: true });
  const entry = await findCoreImage(to);
  const all = await readLayoutIndex(to);
  const seen = new Map<string, number>();
  for (const d of all) for (const b of await reachableBlobs(to, d)) seen.set(b.digest, b.size);
  return {
    source: coreTarget(version),
    target: coreTarget(version),
    digest: entry.digest,
    mediaType: entry.mediaType,
    size: [...seen.values()].reduce((n, s) => n + s, 0),
    core: true,
    layout: CoreDir,
  };
}
