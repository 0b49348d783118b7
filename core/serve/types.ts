// The status a page shows and /api/v1 returns: one shape, so the page never holds what the JSON
// does not. Plain data (JSON-safe), already masked when it reaches the server.

/** Where a release stands, as words a person and a script read alike (a closed set). */
export const States = ['in-sync', 'out-of-sync', 'drifted', 'failed', 'not-deployed'] as const;
export type State = (typeof States)[number];

export interface DriftedObject {
  /** Kind/namespace/name. */
  object: string;
  missing: boolean;
  /** Field paths that differ; values of Secrets are never carried. */
  fields: { path: string; live?: string; want?: string }[];
}

export interface ReleaseStatus {
  runlevel: string;
  release: string;
  namespace: string;
  chart: string;
  /** helm's revision; absent when helm has no such release. */
  revision?: number;
  helmStatus: string;
  state: State;
  reason: string;
  ready: boolean;
  /** Kind/name: state of each gated object that is not ready. */
  notReady: string[];
  drift?: DriftedObject[];
}

export interface DeployStatus {
  id: string;
  command: string;
  started: string;
  ended?: string;
  seconds?: number;
  outcome: string;
  coreVersion: string;
  valuesCommit: string;
  failure?: { runlevel?: string; release?: string; step: string; message: string };
}

export interface ImageStatus {
  source: string;
  /** Where the cluster pulls it from (the mirror); equals source without a mirror. */
  target: string;
  digest?: string;
  core: boolean;
  /** namespace/release of each use. */
  releases: string[];
}

export type Counts = Record<State, number> & { total: number };

export interface ClusterStatus {
  kind: 'cluster';
  cluster: string;
  /** When these facts were read (ISO time). */
  refreshed: string;
  /** The last refresh failed; the facts are from `refreshed`, or there are none yet. */
  error?: string;
  core: {
    /** runlevel.yaml's pin for the cluster. */
    pinned?: string;
    /** The core that made the last deploy. */
    deployed?: string;
    /** The core serving this page. */
    serving: string;
  };
  commit: {
    /** The values commit of the last successful deploy. */
    deployed?: string;
    /** The newest commit of the values repo this server reads. */
    newest?: { commit: string; subject: string; author: string; date: string };
  };
  /** The sync agent's own state, when an agent serves the page. */
  agent?: { state: string; since?: string; message?: string };
  inSync: boolean;
  counts: Counts;
  runlevels: { name: string; releases: ReleaseStatus[] }[];
  /** Releases deployed but gone from the values (the next deploy prunes them). */
  orphans: { runlevel: string; release: string; namespace: string }[];
  deploys: DeployStatus[];
  images: ImageStatus[];
}

/** One cluster of the fleet, as its row shows it. */
export interface FleetRow {
  cluster: string;
  environment: string;
  /** Whether its API server answered within the bound. Never true for a cluster not heard from. */
  reachable: boolean;
  /** healthy: reachable, everything in sync and ready, last deploy succeeded. */
  health: 'healthy' | 'degraded' | 'unreachable' | 'unknown';
  error?: string;
  core: { pinned: string; deployed?: string };
  commit?: string;
  counts?: Counts;
  lastDeploy?: { started: string; outcome: string; seconds?: number; failedAt?: string };
  /** How long reading this cluster took (ms). */
  tookMs: number;
}

export interface FleetStatus {
  kind: 'fleet';
  refreshed: string;
  error?: string;
  clusters: FleetRow[];
}

export type Status = ClusterStatus | FleetStatus;

export function emptyCounts(): Counts {
  return { 'in-sync': 0, 'out-of-sync': 0, drifted: 0, failed: 0, 'not-deployed': 0, total: 0 };
}
