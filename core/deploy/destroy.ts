// Destroy: the releases of the last runlevel first (those of one runlevel in parallel), under the
// deploy lock and recorded like a deploy; runlevel-system (lock, record, namespace) goes last,
// while the lock is still held, so no deploy slips in between. A failure keeps what is left. Every
// uninstall is fenced by the lock, like a deploy's writes.
import type { Helm } from '../shared/helm.js';
import { shortError } from '../shared/kube.js';
import { mapLimit } from '../shared/pool.js';
import type { ReleaseOutcome } from './apply.js';
import type { DestroyBatch, DestroyTarget } from './destroy-plan.js';
import { LockLostError } from './lock.js';
import { type LockedRunOptions, lockedRun, type Run } from './locked-run.js';
import { type DestroyProgress, logDestroyProgress } from './progress.js';
import { type DeployRecord, releaseKey } from './record.js';

/** A destroy is a locked run (lock, record, signals: LockedRunOptions) that walks the batches. */
export interface DestroyOptions extends Omit<LockedRunOptions, 'command'> {
  helm: Helm;
  /** Planned before the lock (planDestroy), so the user confirms what is removed. */
  batches: DestroyBatch[];
  concurrency?: number;
  progress?: DestroyProgress;
}

export interface DestroyReport {
  record: DeployRecord;
  outcomes: ReleaseOutcome[];
  /** runlevel-system is gone (false: still terminating, or the destroy stopped before it). */
  namespaceGone: boolean;
}

export async function runDestroy(opts: DestroyOptions): Promise<DestroyReport> {
  const progress = opts.progress ?? logDestroyProgress();
  let namespaceGone = false;
  const { record, outcomes } = await lockedRun(
    { ...opts, command: 'destroy' },
    {
      plan: async () => opts.batches,
      walk: (batches, run) => walkDestroy(opts, progress, batches, run),
      async beforeUnlock(run) {
        const t = Date.now();
        progress.namespace('start');
        namespaceGone = await run.fence('delete namespace runlevel-system', 180_000, () =>
          opts.store.deleteSystemNamespace(),
        );
        if (namespaceGone) progress.namespace('done', (Date.now() - t) / 1000);
      },
    },
  );
  return { record, outcomes, namespaceGone };
}

async function walkDestroy(
  opts: DestroyOptions,
  progress: DestroyProgress,
  batches: DestroyBatch[],
  run: Run,
): Promise<void> {
  for (const batch of batches) {
    if (run.stopping()) {
      run.record.failure = {
        runlevel: batch.runlevel,
        step: 'interrupted',
        message: 'stopped before this runlevel',
      };
      return;
    }
    const t = Date.now();
    progress.runlevelStart(batch.runlevel, batch.releases.length);
    await run.enter(batch.runlevel);
    const results = await mapLimit(batch.releases, opts.concurrency ?? 4, (r) =>
      run.stopping() ? Promise.resolve(outcome(r, 'skipped', 0)) : uninstallOne(opts, run, progress, r),
    );
    run.outcomes.push(...results);
    const failed = results.find((r) => r.action === 'failed');
    if (failed) {
      run.record.failure = {
        runlevel: batch.runlevel,
        release: failed.name,
        step: 'uninstall',
        message: failed.error ?? '',
      };
      return; // earlier runlevels stay: what later runlevels need is still there
    }
    if (results.some((r) => r.action === 'skipped')) {
      run.record.failure = {
        runlevel: batch.runlevel,
        step: 'interrupted',
        message: 'stopped during this runlevel',
      };
      return;
    }
    progress.runlevelDone(batch.runlevel, (Date.now() - t) / 1000);
  }
}

/** One release out of helm and out of the record; a failure is an outcome, not an exception. */
async function uninstallOne(
  opts: DestroyOptions,
  run: Run,
  progress: DestroyProgress,
  r: DestroyTarget,
): Promise<ReleaseOutcome> {
  const t = Date.now();
  try {
    await run.fence(`uninstall ${r.namespace}/${r.name}`, 120_000, async () => {
      await opts.helm.uninstall(r.name, r.namespace);
      await opts.store.updateRecord((rec) => {
        delete rec.releases[releaseKey(r)];
      });
    });
    const o = outcome(r, 'pruned', (Date.now() - t) / 1000);
    progress.release(r, o.seconds);
    return o;
  } catch (err) {
    // The lock was taken before this one started: skipped, and the run ends as displaced.
    if (err instanceof LockLostError) return outcome(r, 'skipped', 0);
    const o = { ...outcome(r, 'failed', (Date.now() - t) / 1000), error: shortError(err) };
    progress.release(r, o.seconds, o.error);
    return o;
  }
}

// The record's vocabulary has no "uninstalled": a release removed on purpose is "pruned".
const outcome = (
  r: DestroyTarget,
  action: 'pruned' | 'failed' | 'skipped',
  seconds: number,
): ReleaseOutcome => ({
  ...r,
  action,
  digest: '',
  seconds,
});
