// Reading an OCI image layout (index.json, blobs/sha256/<hex>) without a registry: the
// descriptors an image reaches, their sizes, and every blob's sha256 against its name. Files
// only: pulling and pushing is crane's.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  urls?: string[];
}

interface Manifest {
  mediaType?: string;
  manifests?: Descriptor[];
  config?: Descriptor;
  layers?: Descriptor[];
}

export function blobPath(layout: string, digest: string): string {
  const [algorithm = '', hex = ''] = digest.split(':');
  return join(layout, 'blobs', algorithm, hex);
}

export async function readLayoutIndex(layout: string): Promise<Descriptor[]> {
  const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as Manifest;
  return index.manifests ?? [];
}

const isIndex = (mediaType: string) => /image\.index|manifest\.list/.test(mediaType);
const isManifest = (mediaType: string) =>
  isIndex(mediaType) || /image\.manifest|manifest\.v2/.test(mediaType);

/**
 * Every blob an index entry reaches (itself, config, layers, children of an index), each once,
 * in the order met; `layers: false` leaves the layers out (a signature's small part). Throws
 * naming the first descriptor whose blob is missing or of another size.
 */
export async function reachableBlobs(
  layout: string,
  root: Descriptor,
  opts: { layers?: boolean } = {},
): Promise<Descriptor[]> {
  const seen = new Map<string, Descriptor>();
  const visit = async (d: Descriptor): Promise<void> => {
    if (seen.has(d.digest)) return;
    const file = blobPath(layout, d.digest);
    const size = await stat(file).then(
      (s) => s.size,
      () => undefined,
    );
    // A foreign layer (urls) is not carried; a registry fetches it from where it points.
    if (size === undefined && d.urls?.length) return;
    if (size === undefined) throw new LayoutError(d.digest, `blob ${d.digest} is missing from the bundle`);
    if (size !== d.size) {
      throw new LayoutError(d.digest, `blob ${d.digest} is ${size} bytes, its descriptor says ${d.size}`);
    }
    seen.set(d.digest, d);
    if (!isManifest(d.mediaType)) return;
    const m = JSON.parse(await readFile(file, 'utf8')) as Manifest;
    for (const child of m.manifests ?? []) await visit(child);
    if (m.config) await visit(m.config);
    if (opts.layers !== false) for (const layer of m.layers ?? []) await visit(layer);
  };
  await visit(root);
  return [...seen.values()];
}

export function sumSizes(blobs: readonly Descriptor[]): number {
  return blobs.reduce((n, b) => n + b.size, 0);
}

/** A blob or descriptor that does not match: the digest that failed, for the refusal. */
export class LayoutError extends Error {
  constructor(
    readonly digest: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * sha256 of every file under blobs/sha256 against its name, streamed; `onBytes` reports progress.
 * Throws a LayoutError naming the first blob whose content does not match.
 */
export async function hashBlobs(layout: string, onBytes: (n: number) => void = () => {}): Promise<number> {
  const dir = join(layout, 'blobs', 'sha256');
  const names = (await readdir(dir).catch(() => [] as string[])).sort();
  for (const name of names) {
    const hash = createHash('sha256');
    await pipeline(createReadStream(join(dir, name)), async function* (source) {
      for await (const chunk of source) {
        hash.update(chunk as Buffer);
        onBytes((chunk as Buffer).length);
      }
      yield* [];
    });
    const actual = hash.digest('hex');
    if (actual !== name) {
      throw new LayoutError(
        `sha256:${name}`,
        `blob sha256:${name} does not match its content (sha256:${actual})`,
      );
    }
  }
  return names.length;
}

/** Bytes under blobs/ now (finished blobs and the ones crane is writing): a pull's progress. */
export async function blobsBytes(layout: string): Promise<number> {
  const dir = join(layout, 'blobs', 'sha256');
  const names = await readdir(dir).catch(() => [] as string[]);
  let total = 0;
  for (const name of names)
    total += await stat(join(dir, name)).then(
      (s) => s.size,
      () => 0,
    );
  return total;
}
