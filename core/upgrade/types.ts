// The upgrade rehearsal's report, in a file of its own so the stage, its formatter and the command
// share it without importing each other.
import type { ReleaseDiff } from '../diff/types.js';

/** One release as a core rendered it: the manifest helm would apply. */
export interface ReleaseRender {
  runlevel: string;
  name: string;
  namespace: string;
  manifest: string;
}

/** Two sets of renders compared release by release: only the releases that differ are listed. */
export interface Comparison {
  releases: ReleaseDiff[];
  /** Releases on both sides with the same objects. */
  unchanged: number;
  objects: { added: number; removed: number; changed: number };
}

/** One values file the migrations change; an encrypted one's diff is of its plaintext, masked on output. */
export interface ValuesChange {
  path: string;
  encrypted: boolean;
  diff: string;
}

export interface UpgradeReport {
  cluster: string;
  from: { core: string; contract: number };
  to: { core: string; contract: number };
  /** Where the new core came from: an image (by digest when pulled from a mirror), or this process. */
  newCore: { image?: string; verified: boolean };
  migrations: { to: number; title: string }[];
  values: ValuesChange[];
  /** The new core's render against the current core's (both from the values, offline). */
  render: Comparison;
  /** The new core's render against what helm deployed on the cluster. */
  live: Comparison;
  /** Clusters pinned to another core than VERSION that read the same values contract as before. */
  otherClusters: { cluster: string; core: string }[];
  written?: { files: string[]; commit?: string };
}
