// The sync agent's vocabulary: a closed set of states, what the loop observes and what it may do.
// decide.ts maps (memory, observation) to (memory, action, events) and nothing else.

export const SyncState = {
  /** Nothing to do: the cluster runs the newest good commit (or one with the same inputs). */
  Idle: 'Idle',
  /** Reading the branch head and this cluster's inputs from it. */
  Fetching: 'Fetching',
  /** The head failed validate, check or commit verification: the last good commit stays deployed. */
  Invalid: 'Invalid',
  /** The deploy engine is running (a new commit, or a repair of drift). */
  Deploying: 'Deploying',
  /** The last deploy failed: retried after an exponential backoff. */
  Failed: 'Failed',
  /** The git remote or the API server could not be reached (or another run held the lock). */
  BackingOff: 'BackingOff',
  /** Live objects differ from what was deployed (--drift warn reports it, nothing changed). */
  Drifted: 'Drifted',
  /** The head pins another core: the agent hands over to it. */
  Upgrading: 'Upgrading',
} as const;
export type SyncState = (typeof SyncState)[keyof typeof SyncState];

export type DriftMode = 'warn' | 'correct';

/** What the agent keeps between passes (in memory; the cluster keeps the deploy record). */
export interface SyncMemory {
  readonly state: SyncState;
  /** The newest commit of the branch seen. */
  readonly head?: string;
  /** The last good commit and the digest of this cluster's inputs at it. */
  readonly deployed?: { readonly commit: string; readonly inputs: string };
  /** A head that must not be tried again until a newer commit arrives. */
  readonly invalid?: { readonly commit: string; readonly reason: string };
  /** Why the agent waits before trying again, and until when. */
  readonly failure?: {
    readonly cause: 'git' | 'api' | 'lock' | 'deploy';
    readonly commit?: string;
    readonly reason: string;
    readonly attempts: number;
    readonly retryAt: number;
  };
  /** Objects drifted at the last drift pass. */
  readonly drifted: number;
}

export interface SyncPolicy {
  /** The version of this agent's core: a head pinning another one is an upgrade or a downgrade. */
  readonly coreVersion: string;
  readonly drift: DriftMode;
  readonly backoffBaseMs: number;
  readonly backoffCapMs: number;
}

export type Trigger = 'start' | 'interval' | 'hook';

/** One thing the loop saw: the answer to the last action, or a trigger. */
export type Observation =
  | { kind: 'trigger'; by: Trigger; now: number }
  | { kind: 'fetched'; commit: string; rewritten: boolean; now: number }
  | { kind: 'fetch-failed'; reason: string; now: number }
  | {
      kind: 'inspected';
      commit: string;
      /** Digest of the merged values, the pin and the core: equal digests deploy the same thing. */
      inputs: string;
      pin: string;
      /** The head's own runlevel.yaml allows this cluster to go back to an older core. */
      allowDowngrade: boolean;
      now: number;
    }
  /** validate, check or verify-commit refused the commit: a user's mistake, not retried. */
  | { kind: 'rejected'; commit: string; reason: string; now: number }
  | { kind: 'deployed'; commit: string; inputs: string; now: number }
  | { kind: 'deploy-failed'; commit: string; reason: string; cause: 'api' | 'lock' | 'deploy'; now: number }
  | { kind: 'drift'; objects: number; now: number }
  | { kind: 'drift-failed'; reason: string; now: number }
  | { kind: 'upgrade-failed'; commit: string; reason: string; now: number }
  /** Our Deployment now runs the pinned core: this agent does nothing more and exits. */
  | { kind: 'handed-over'; commit: string; image: string; now: number };

export type Action =
  | { kind: 'fetch' }
  | { kind: 'inspect'; commit: string }
  | { kind: 'deploy'; commit: string; inputs: string; why: 'commit' | 'drift' | 'retry' }
  | { kind: 'check-drift' }
  | { kind: 'upgrade'; commit: string; to: string }
  /** Until the next trigger (the interval, a hook). */
  | { kind: 'wait' };

/** What happened, for log lines, -o json events and metrics. */
export type SyncEvent =
  | { kind: 'state'; from: SyncState; to: SyncState }
  | { kind: 'fetched'; commit: string; rewritten: boolean }
  | { kind: 'skipped'; commit: string; why: string }
  | { kind: 'invalid'; commit: string; reason: string }
  | { kind: 'deployed'; commit: string }
  | { kind: 'failed'; commit?: string; cause: string; reason: string }
  | { kind: 'backoff'; seconds: number; attempts: number }
  | { kind: 'drift'; objects: number; mode: DriftMode }
  | { kind: 'upgrade'; commit: string; from: string; to: string }
  | { kind: 'handed-over'; commit: string; image: string };

export interface Decision {
  memory: SyncMemory;
  action: Action;
  events: SyncEvent[];
}

export const initialMemory: SyncMemory = { state: SyncState.Idle, drifted: 0 };
