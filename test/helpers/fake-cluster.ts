// A recording fake of the ClusterStore (core/deploy/cluster.ts): the record lives in memory with
// the same trimming as the ConfigMap, the lock can be lost on cue (its fence then refuses the
// next write, as the real lease's compare-and-swap does), readiness is switched off per release,
// and the API can "go away" for record writes. Every call goes to a shared journal.
import type { ClusterStore, ObjectTarget } from '../../core/deploy/cluster.js';
import { type HeldLock, LockLostError, type LockOptions } from '../../core/deploy/lock.js';
import { type ClusterRecord, keepDeploys } from '../../core/deploy/record.js';
import type { StoredRelease } from '../../core/deploy/stored.js';
import type { GateResult, Readiness, WaitOptions, WaitTarget } from '../../core/deploy/wait.js';
import type { LiveObject, LiveQuery, LiveRead } from '../../core/drift/types.js';

/** The fake's key of a live object: apiVersion/kind/namespace/name. */
export const liveKey = (o: { apiVersion: string; kind: string; namespace?: string; name: string }) =>
  `${o.apiVersion}/${o.kind}/${o.namespace ?? ''}/${o.name}`;

export class FakeCluster implements ClusterStore {
  readonly server = 'https://fake.invalid:6443';
  readonly journal: string[];
  record: ClusterRecord = { releases: {}, deploys: [] };
  stored = new Map<string, StoredRelease>();
  /** The cluster's live objects by liveKey; absent ones are missing. */
  readonly live = new Map<string, LiveObject>();
  /** namespace/name of releases whose objects never become ready. */
  readonly notReady = new Set<string>();
  /** Set it (or let a test's hook set it) and the held lock reports itself lost. */
  lockLost = false;
  /** Who took the lock when it is lost (what the real lease names). */
  lockTakenBy = 'other-host (pid 7)';
  /** Runs inside each fenced write, after the ownership check: a test's way to break the lock mid-write. */
  onFence?: (what: string) => void;
  /** Every write the fence let through, in order. */
  readonly fenced: string[] = [];
  /** Thrown by acquireLock: another deploy holds the lock (unless the run breaks it). */
  lockHeld?: Error;
  /** The holder acquireLock takes the lock from, and why (as the real lock reports it). */
  lockTakenFrom?: HeldLock['tookOver'];
  /** While set, record writes fail as with an API server gone. */
  apiGone = false;
  systemNamespace = true;
  /** Every target the gate was asked to wait for, in call order. */
  readonly waited: WaitTarget[] = [];

  constructor(journal: string[] = []) {
    this.journal = journal;
  }

  async acquireLock(opts: LockOptions): Promise<HeldLock> {
    this.journal.push(`lock ${opts.holder.command}${opts.breakLock ? ' --break-lock' : ''}`);
    if (this.lockHeld && !opts.breakLock) throw this.lockHeld;
    return {
      lost: () => this.lockLost,
      lostTo: () => (this.lockLost ? this.lockTakenBy : undefined),
      tookOver: this.lockTakenFrom,
      fence: async (what, _timeoutMs, write) => {
        if (this.lockLost) {
          this.journal.push(`fenced off ${what}`);
          throw new LockLostError(this.lockTakenBy, what);
        }
        this.fenced.push(what);
        this.onFence?.(what);
        return write();
      },
      release: async () => {
        this.journal.push('unlock');
      },
    };
  }

  async readRecord(): Promise<ClusterRecord> {
    return structuredClone(this.record);
  }

  async updateRecord(change: (r: ClusterRecord) => void): Promise<ClusterRecord> {
    if (this.apiGone) throw new Error('write deploy record: the Kubernetes API is unreachable');
    const next = structuredClone(this.record);
    change(next);
    next.deploys = next.deploys.slice(0, keepDeploys);
    this.record = next;
    return structuredClone(next);
  }

  async storedReleases(): Promise<Map<string, StoredRelease>> {
    return new Map(this.stored);
  }

  async liveObjects(queries: readonly LiveQuery[]): Promise<LiveRead[]> {
    this.journal.push(`live ${queries.length}`);
    return queries.map((q) => {
      const object = this.live.get(liveKey(q));
      return { namespace: q.namespace, ...(object ? { object: structuredClone(object) } : {}) };
    });
  }

  async waitReady(targets: WaitTarget[], _opts: WaitOptions): Promise<GateResult> {
    this.journal.push(`wait ${[...new Set(targets.map((t) => t.release))].join(' ')}`);
    this.waited.push(...targets);
    const notReady = targets
      .filter((t) => this.notReady.has(t.release))
      .map((target) => ({ target, state: '0/1 available', failed: false }));
    return { ok: notReady.length === 0, notReady };
  }

  async readiness(t: ObjectTarget): Promise<Readiness> {
    const release = `${t.namespace}/${t.name}`;
    return this.notReady.has(release)
      ? { ready: false, failed: false, state: '0/1 available' }
      : { ready: true };
  }

  async deleteSystemNamespace(): Promise<boolean> {
    this.journal.push('delete runlevel-system');
    this.systemNamespace = false;
    this.record = { releases: {}, deploys: [] };
    return true;
  }

  /** The newest deploy record. */
  last() {
    return this.record.deploys[0];
  }
}
