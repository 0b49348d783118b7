// The diff stage's report, in a file of its own so the stage and its text formatter share it
// without importing each other.
import type { ReleaseDrift } from '../drift/types.js';
import type { ManifestDiff } from './objects.js';

/** `repair`: values unchanged, live objects changed or deleted by hand (see `drift`). */
export type DiffAction = 'install' | 'upgrade' | 'repair' | 'prune';

export interface ReleaseDiff {
  runlevel: string;
  release: string;
  namespace: string;
  action: DiffAction;
  reason: string;
  objects: ManifestDiff;
  /** Live objects that no longer hold what the release's manifests set. */
  drift?: ReleaseDrift;
}

export interface DiffReport {
  cluster: string;
  /** Releases a deploy would install, upgrade or prune (the deploy plan's count). */
  changes: number;
  /** Releases with nothing to change, skipped without reading their manifests. */
  unchanged: number;
  releases: ReleaseDiff[];
}
