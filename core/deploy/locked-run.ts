// The skeleton deploy and destroy share: take the lock → plan under it → record the run as started
// (closing a run that died before) → walk the plan, every write fenced by the lock → record the
// outcome → release the lock. A crash at any point leaves a record that says where it was; the
// lock's TTL frees the cluster. A run whose lock was taken stops before its next write and is
// recorded as displaced.
import { shortError } from '../shared/kube.js';
import { log } from '../shared/log.js';
import type { ReleaseOutcome } from './apply.js';
import type { ClusterStore } from './cluster.js';
import { type HeldLock, LockLostError, type LockTakeover } from './lock.js';
import { closeAbandoned, type DeployRecord, upsertDeploy } from './record.js';

export interface LockedRunOptions {
  store: ClusterStore;
  command: DeployRecord['command'];
  cluster: string;
  coreVersion: string;
  valuesCommit: string;
  /** When the command started (the record's id and start time). */
  started?: Date;
  waitLockMs?: number;
  lockTtlSeconds?: number;
  /** The deploy's inputs digest, kept in its record (DeployRecord.inputs). */
  inputs?: string;
  /** --break-lock: take the lock whoever holds it (recorded). */
  breakLock?: boolean;
  /** True once a signal asked us to stop. */
  interrupted?: () => boolean;
  /** True once a second signal asked us to stop what is in flight too. */
  halted?: () => boolean;
}

export interface Run {
  readonly record: DeployRecord;
  /** What the run did to each release, in the record when it ends. */
  readonly outcomes: ReleaseOutcome[];
  /** Nothing new may start: a signal arrived or another run took the lock. */
  stopping(): boolean;
  /** A second signal: what is in flight is being stopped too (helm marks its release failed). */
  halted(): boolean;
  /** The runlevel being worked on; `write` also puts it in the record, so a crash leaves where it was. */
  enter(runlevel: string, write?: boolean): Promise<void>;
  /**
   * Every write to the cluster goes through here: it runs only while the lock is ours (see
   * HeldLock.fence); throws LockLostError otherwise, which ends the run as displaced.
   */
  fence<T>(what: string, timeoutMs: number, write: () => Promise<T>): Promise<T>;
}

export interface LockedRunSteps<P> {
  /** Under the lock, before the record says running: what the cluster holds is read here. */
  plan(): Promise<P>;
  /** Sets `run.record.failure` where it stops; throws only when the cluster cannot be reached. */
  walk(plan: P, run: Run): Promise<void>;
  /** After the outcome is recorded, still holding the lock (destroy removes runlevel-system). */
  beforeUnlock?(run: Run): Promise<void>;
}

export async function lockedRun<P>(
  opts: LockedRunOptions,
  steps: LockedRunSteps<P>,
): Promise<{ plan: P; record: DeployRecord; outcomes: ReleaseOutcome[] }> {
  const started = opts.started ?? new Date();
  const id = `${started.getTime().toString(36)}-${process.pid}`;
  const lock = await opts.store.acquireLock({
    ttlSeconds: opts.lockTtlSeconds,
    waitMs: opts.waitLockMs,
    breakLock: opts.breakLock,
    holder: {
      valuesCommit: opts.valuesCommit,
      coreVersion: opts.coreVersion,
      command: opts.command,
      runId: id,
    },
  });
  const record: DeployRecord = {
    id,
    command: opts.command,
    cluster: opts.cluster,
    coreVersion: opts.coreVersion,
    valuesCommit: opts.valuesCommit,
    started: started.toISOString(),
    ended: '',
    outcome: 'running',
    ...(opts.inputs ? { inputs: opts.inputs } : {}),
    releases: [],
    ...(lock.tookOver ? { lock: recordedTakeover(lock.tookOver) } : {}),
  };
  // Where the walk is, even in a runlevel with nothing to write: a failure is recorded there.
  let current: string | undefined;
  const run: Run = {
    record,
    outcomes: [],
    stopping: () => (opts.interrupted?.() ?? false) || lock.lost(),
    halted: () => opts.halted?.() ?? false,
    async enter(runlevel, write = true) {
      current = runlevel;
      if (!write) return;
      record.at = runlevel;
      await opts.store.updateRecord((r) => upsertDeploy(r, record));
    },
    fence: (what, timeoutMs, write) => lock.fence(what, timeoutMs, write),
  };
  let plan!: P;
  try {
    plan = await steps.plan();
    await opts.store.updateRecord((r) => {
      for (const d of closeAbandoned(r, record.started, abandonedWhy(lock.tookOver))) {
        log.warn(
          `the previous ${d.command} ${d.id} (${d.started}) never finished: recorded as failed at ${d.at ?? 'start'}`,
        );
      }
      upsertDeploy(r, record);
    });
    await steps.walk(plan, run);
  } catch (err) {
    if (!(err instanceof LockLostError)) {
      record.failure = {
        ...(current ? { runlevel: current } : {}),
        step: opts.command,
        message: shortError(err),
      };
      throw err;
    }
    record.failure = { ...(current ? { runlevel: current } : {}), step: 'displaced', message: err.message };
  } finally {
    record.ended = new Date().toISOString();
    if (lock.lost() && record.failure?.step === 'interrupted' && !opts.interrupted?.()) {
      // It stopped because the lock was taken away (nothing new starts then): say so.
      record.failure = {
        ...record.failure,
        step: 'displaced',
        message: `the deploy lock was taken by ${lock.lostTo?.() ?? 'another run'}: this ${opts.command} stopped before its next write`,
      };
    }
    if (record.failure && !record.failure.runlevel && current) record.failure.runlevel = current;
    record.outcome = !record.failure
      ? 'succeeded'
      : record.failure.step === 'displaced'
        ? 'displaced'
        : opts.interrupted?.()
          ? 'interrupted'
          : 'failed';
    record.releases = run.outcomes.map((o) => ({
      runlevel: o.runlevel,
      name: o.name,
      action: o.action,
      revision: o.revision,
      seconds: o.seconds,
      ...(o.drift ? { drift: o.drift } : {}),
    }));
    record.at = undefined;
    await opts.store
      .updateRecord((r) => upsertDeploy(r, record))
      .catch(() => {
        // The API is gone: the failure is reported to the user; the lock's TTL frees the cluster.
      });
    try {
      if (!record.failure) await steps.beforeUnlock?.(run);
    } finally {
      await lock.release();
    }
  }
  return { plan, record, outcomes: run.outcomes };
}

function recordedTakeover(t: NonNullable<HeldLock['tookOver']>): NonNullable<DeployRecord['lock']> {
  return { tookOver: t.reason, from: t.holder, ...(t.waitedFor ? { waitedFor: t.waitedFor } : {}) };
}

/** What the record of a run that never finished says, when we know from the lock what became of it. */
function abandonedWhy(tookOver: HeldLock['tookOver']): string | undefined {
  if (!tookOver) return undefined;
  const why: Record<LockTakeover, string> = {
    'holder-gone': `its process, ${tookOver.holder}, is gone`,
    expired: `its lock expired: ${tookOver.holder}`,
    'break-lock': `its lock was broken with --break-lock: ${tookOver.holder}`,
  };
  return why[tookOver.reason];
}
