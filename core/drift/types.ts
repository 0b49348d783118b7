// The drift stage's shapes, in a file of their own so the deploy engine, diff and status share
// them without importing the comparison.

/** One object a release should hold, as the live read needs to find it. */
export interface LiveQuery {
  apiVersion: string;
  kind: string;
  name: string;
  /** The declared namespace, else the release's; dropped by the reader for cluster-scoped kinds. */
  namespace: string;
  /** The manifest's labels: the reader lists by one of them instead of getting each object. */
  labels: Record<string, string>;
}

export type LiveObject = Record<string, unknown>;

/** One query's answer: the object (absent when the cluster lacks it) and where it lives. */
export interface LiveRead {
  object?: LiveObject;
  /** The query's namespace for a namespaced kind; absent for a cluster-scoped one. */
  namespace?: string;
}

/** Reads what the cluster holds now: one answer per query, in order. */
export interface LiveReader {
  liveObjects(queries: readonly LiveQuery[]): Promise<LiveRead[]>;
}

/**
 * One field the manifest sets that the live object does not hold. `want` and `live` are short
 * printable forms; both are left out for Secrets, whose values never reach any output.
 */
export interface FieldChange {
  path: string;
  want?: string;
  live?: string;
}

export interface ObjectDrift {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  /** The object is gone from the cluster. */
  missing: boolean;
  changes: FieldChange[];
}

/** What differs between a release's live objects and its manifests (only drifted objects). */
export interface ReleaseDrift {
  objects: ObjectDrift[];
}

/** values `platform.drift.ignore[]`: a field someone else owns, e.g. spec.replicas under an autoscaler. */
export interface DriftIgnoreRule {
  kind: string;
  name?: string;
  namespace?: string;
  path: string;
}
