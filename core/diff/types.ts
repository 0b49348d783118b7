// The diff stage's report, in a file of its own so the stage and its text formatter share it
// without importing each other.
import type { ManifestDiff } from './objects.js';

export type DiffAction = 'install' | 'upgrade' | 'prune';

export interface ReleaseDiff {
  runlevel: string;
  release: string;
  namespace: string;
  action: DiffAction;
  reason: string;
  objects: ManifestDiff;
}

export interface DiffReport {
  cluster: string;
  /** Releases a deploy would install, upgrade or prune (the deploy plan's count). */
  changes: number;
  /** Releases with nothing to change, skipped without reading their manifests. */
  unchanged: number;
  releases: ReleaseDiff[];
}
