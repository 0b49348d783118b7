// The render stage's result, in a file of its own so the stage's modules (index, output) share
// it without importing each other.
import type { ImageRewrite } from '../shared/images/rewrite.js';
import type { ObjectRef, RenderedFile } from './manifests.js';
import type { RunlevelFile } from './runlevels.js';

export interface RenderedRelease {
  runlevel: string;
  name: string;
  namespace: string;
  chart: { name: string; version: string; path: string };
  labels: Record<string, string>;
  needs: string[];
  values: Record<string, unknown>; // merged release values, as helm gets them (may hold secrets)
  valuesDigest: string;
  /** Chart files, name, namespace, values and helm version: what the manifests depend on. */
  inputDigest: string;
  manifestDigest: string;
  manifest: string;
  /** The manifests came from `reuse`, not from helm template. */
  reused?: boolean;
  /**
   * The registry-mirror rewrite applied after helm template (platform.registry.mirror is set);
   * the deploy hands helm's post-renderer the same, so what helm stores is this manifest.
   */
  imageRewrite?: ImageRewrite;
  files: RenderedFile[];
  objects: ObjectRef[];
}

export interface RenderResult {
  runlevels: RunlevelFile[];
  releases: RenderedRelease[]; // runlevel, then release name
}
