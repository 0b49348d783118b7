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
  /** What only the sync agent knows; `{ running: false }` where no agent serves the page. */
  agent?: AgentFacts;
  inSync: boolean;
  counts: Counts;
  runlevels: { name: string; releases: ReleaseStatus[] }[];
  /** Releases deployed but gone from the values (the next deploy prunes them). */
  orphans: { runlevel: string; release: string; namespace: string }[];
  deploys: DeployStatus[];
  images: ImageStatus[];
}

/** A commit as the agent's git boundary describes it (subject and author when it could say). */
export interface CommitFacts {
  commit: string;
  subject?: string;
  author?: string;
  date?: string;
}

/** The sync agent's own facts, as its page and /api/v1/agent show them. */
export interface AgentFacts {
  /** false: no agent serves this page (`runlevel serve`); nothing else is then set. */
  running: boolean;
  /** The loop's state (Idle, Fetching, Invalid, Deploying, Failed, BackingOff, Drifted, Upgrading). */
  state?: string;
  /** The first sync pass has ended. */
  ready?: boolean;
  /** The remote (credentials removed) and branch followed. */
  source?: string;
  /** The last good commit: deployed, or skipped because it does not change this cluster. */
  deployed?: CommitFacts;
  /** The newest commit of the branch seen. */
  newest?: CommitFacts;
  /** A head refused (validate, check, commit verification, pin): not retried until a newer one. */
  refused?: { commit: string; reason: string };
  /** The last failure (git, API, lock, deploy) and the backoff: when the next try is due. */
  failure?: { cause: string; commit?: string; reason: string; attempts: number; retryAt: string };
  /** Live objects drifted at the last drift pass. */
  drifted?: number;
  lastSync?: { at: string; trigger: string; state: string };
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
