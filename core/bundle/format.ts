// The bundle file, one format for create, push and inspect: a tar (uncompressed: layers are
// compressed already) holding an OCI image layout of the platform's images, the signed core
// image as a second layout under core/ (as `cosign save` wrote it, so `cosign load` pushes it with
// its signature), and runlevel-bundle.json, the index the key signs (runlevel-bundle.json.sig).
import { homedir } from 'node:os';
import { join } from 'node:path';
import { coreMirrorRepository } from '../shared/images/mirror.js';

export const BundleFormat = 'runlevel-bundle/v1';
export const IndexFile = 'runlevel-bundle.json';
export const SignatureFile = 'runlevel-bundle.json.sig';
/** The core's layout inside the bundle. */
export const CoreDir = 'core';
/** Annotation crane's --annotate-ref writes too: the reference an index entry was pulled as. */
export const RefAnnotation = 'org.opencontainers.image.ref.name';

export interface BundleImage {
  /** The reference the charts render (full form); for the core, runlevel:<version>. */
  source: string;
  /** Where it lives in a mirror, relative to the mirror: docker.io/library/nginx:1.27. */
  target: string;
  /** Manifest (or index) digest: what the cluster pulls and the lock pins. */
  digest: string;
  mediaType: string;
  /** Bytes of the manifest, config and layers (every child for an index), each blob once. */
  size: number;
  core: boolean;
  /** The layout in the bundle that holds it: '.' or 'core'. */
  layout: string;
}

export interface BundleIndex {
  format: typeof BundleFormat;
  created: string;
  cluster: string;
  /** The core version the bundle carries (and whose platform images it lists). */
  coreVersion: string;
  images: BundleImage[];
  /** Bytes of every blob in the bundle, each once. */
  total: number;
}

/**
 * Where `make image` leaves the signed core image (`cosign save --dir`): the default of
 * `bundle create --core-layout`. One function, so the image build and the bundle agree.
 */
export function defaultCoreLayoutDir(version: string, env: NodeJS.ProcessEnv = process.env): string {
  const cache = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(cache, 'runlevel/image/signed', `runlevel-${version}`);
}

/** The core image's path in a mirror: <mirror>/runlevel:<version>, as the launcher pulls it. */
export function coreTarget(version: string): string {
  return `${coreMirrorRepository}:${version}`;
}
