// The deploy stage: lock → plan (pure) → runlevels in order (tasks, waves, readiness gate) →
// prune → record. A command composes it after validate, render and check.
import type { KubeConfig } from '@kubernetes/client-node';
import { shortError } from '../shared/kube.js';
import { log } from '../shared/log.js';
import { applyRunlevel, type ReleaseOutcome } from './apply.js';
import { type HelmTarget, helmList, helmUninstall } from './helm.js';
import { acquireLock } from './lock.js';
import {
  type DeployPlan,
  type DesiredRelease,
  type PlannedRelease,
  planDeploy,
  type RunlevelSettings,
} from './plan.js';
import { logProgress, type Progress } from './progress.js';
import {
  closeAbandoned,
  type DeployRecord,
  readRecord,
  releaseKey,
  updateRecord,
  upsertDeploy,
} from './record.js';

export type { DeployPlan } from './plan.js';
export type { DeployRecord } from './record.js';

export interface DeployRelease extends DesiredRelease {
  values: Record<string, unknown>;
}

export interface DeployOptions {
  kc: KubeConfig;
  kubeconfig: string; // file, for helm
  cluster: string;
  runlevels: RunlevelSettings[];
  releases: DeployRelease[];
  coreVersion: string;
  valuesCommit: string;
  force?: boolean;
  prune?: boolean;
  dryRun?: boolean;
  selects?: (labels: Record<string, string>) => boolean;
  waitLockMs?: number;
  lockTtlSeconds?: number;
  concurrency?: number;
  /** Caps every runlevel's readiness timeout (--timeout). */
  timeoutMs?: number;
  /** Runs one lifecycle task; throws when it fails for good. */
  runTask?: (name: string) => Promise<string[]>;
  /** True once a signal asked us to stop. */
  interrupted?: () => boolean;
  progress?: Progress;
}

export interface DeployReport {
  record: DeployRecord;
  plan: DeployPlan;
  outcomes: ReleaseOutcome[];
}

export async function runDeploy(opts: DeployOptions): Promise<DeployReport> {
  const progress = opts.progress ?? logProgress();
  const helm: HelmTarget = { kubeconfig: opts.kubeconfig };
  const lock = opts.dryRun
    ? undefined
    : await acquireLock(opts.kc, {
        ttlSeconds: opts.lockTtlSeconds,
        waitMs: opts.waitLockMs,
        holder: { valuesCommit: opts.valuesCommit, coreVersion: opts.coreVersion, command: 'deploy' },
      });
  const started = new Date();
  const outcomes: ReleaseOutcome[] = [];
  const record: DeployRecord = {
    id: `${started.getTime().toString(36)}-${process.pid}`,
    command: 'deploy',
    cluster: opts.cluster,
    coreVersion: opts.coreVersion,
    valuesCommit: opts.valuesCommit,
    started: started.toISOString(),
    ended: '',
    outcome: 'succeeded',
    releases: [],
  };
  let plan: DeployPlan = { runlevels: [], prune: [], changes: 0 };
  try {
    const [deployed, helmReleases] = await Promise.all([readRecord(opts.kc), helmList(helm)]);
    plan = planDeploy({
      runlevels: opts.runlevels,
      desired: opts.releases,
      deployed: deployed.releases,
      helm: helmReleases,
      force: opts.force,
      prune: opts.prune,
      selects: opts.selects,
      timeoutCapMs: opts.timeoutMs,
    });
    if (opts.dryRun) return { record, plan, outcomes };
    record.outcome = 'running';
    await updateRecord(opts.kc, (r) => {
      for (const d of closeAbandoned(r, started.toISOString())) {
        log.warn(
          `the previous deploy ${d.id} (${d.started}) never finished: recorded as failed at ${d.at ?? 'start'}`,
        );
      }
      upsertDeploy(r, record);
    });

    const valuesByKey = new Map(opts.releases.map((r) => [releaseKey(r), r.values]));
    const stopping = () => (opts.interrupted?.() ?? false) || (lock?.lost() ?? false);
    const ctx = {
      kc: opts.kc,
      helm,
      concurrency: opts.concurrency ?? 4,
      valuesOf: (p: PlannedRelease) => valuesByKey.get(releaseKey(p.release)) ?? {},
      stopping,
      progress,
    };

    let earlierChanged = false;
    for (const rl of plan.runlevels) {
      if (stopping()) {
        record.failure = { runlevel: rl.name, step: 'interrupted', message: 'stopped before this runlevel' };
        break;
      }
      const releases = rl.waves.flat();
      const changes = releases.filter((p) => p.action !== 'unchanged').length;
      const rlStarted = Date.now();
      // Tasks read what earlier runlevels made (the platform CA, the pull secret) as well as their
      // own: they run when this runlevel or one before it changes. When nothing up to here
      // changed they ran last time on the same inputs, so a no-op deploy skips them.
      const tasksDue = changes > 0 || earlierChanged || opts.force;
      earlierChanged ||= changes > 0;
      progress.runlevelStart(rl.name, changes, releases.length);
      if (changes > 0) {
        record.at = rl.name;
        await updateRecord(opts.kc, (r) => upsertDeploy(r, record));
      }
      const before = tasksDue ? await runTasks(opts, progress, rl.before, 'before') : undefined;
      if (before) {
        record.failure = { runlevel: rl.name, step: `task ${before.task}`, message: before.message };
        break;
      }
      const result = await applyRunlevel(ctx, rl);
      outcomes.push(...result.outcomes);
      // Only a runlevel that passed its gate is recorded as deployed: releases upgraded but never
      // seen ready (an interrupt during the gate) must be upgraded and waited for again next time.
      if (!result.failure) await recordReleases(opts, result.outcomes, releases);
      if (result.failure) {
        record.failure = { runlevel: rl.name, ...result.failure };
        break;
      }
      const after = tasksDue ? await runTasks(opts, progress, rl.after, 'after') : undefined;
      if (after) {
        record.failure = { runlevel: rl.name, step: `task ${after.task}`, message: after.message };
        break;
      }
      progress.runlevelDone(rl.name, (Date.now() - rlStarted) / 1000);
    }

    // Prune only after the new state is up, from the last runlevel backwards.
    if (!record.failure) {
      for (const p of plan.prune) {
        if (stopping()) {
          record.failure = { step: 'interrupted', message: 'stopped while pruning' };
          break;
        }
        const t = Date.now();
        progress.prune(p.name, p.namespace, 'start');
        try {
          await helmUninstall(helm, p.name, p.namespace);
          await updateRecord(opts.kc, (r) => {
            delete r.releases[releaseKey(p)];
          });
          outcomes.push({ ...p, action: 'pruned', digest: '', seconds: (Date.now() - t) / 1000 });
          progress.prune(p.name, p.namespace, 'done');
        } catch (err) {
          progress.prune(p.name, p.namespace, 'failed', shortError(err));
          record.failure = { runlevel: p.runlevel, release: p.name, step: 'prune', message: shortError(err) };
          break;
        }
      }
    }
  } catch (err) {
    record.failure = { step: 'deploy', message: shortError(err) };
    throw err;
  } finally {
    if (!opts.dryRun) {
      record.ended = new Date().toISOString();
      record.outcome = record.failure ? (opts.interrupted?.() ? 'interrupted' : 'failed') : 'succeeded';
      record.releases = outcomes.map((o) => ({
        runlevel: o.runlevel,
        name: o.name,
        action: o.action,
        revision: o.revision,
        seconds: o.seconds,
      }));
      record.at = undefined;
      await updateRecord(opts.kc, (r) => upsertDeploy(r, record)).catch(() => {
        // The API is gone: the failure is reported to the user; the lock's TTL frees the cluster.
      });
      await lock?.release();
    }
  }
  return { record, plan, outcomes };
}

/** Record each release as it lands, so a crash later still leaves a true record. */
async function recordReleases(
  opts: DeployOptions,
  outcomes: ReleaseOutcome[],
  planned: PlannedRelease[],
): Promise<void> {
  const landed = outcomes.filter(
    (o) => o.action === 'installed' || o.action === 'upgraded' || o.action === 'unchanged',
  );
  if (landed.length === 0) return;
  const byKey = new Map(planned.map((p) => [releaseKey(p.release), p]));
  await updateRecord(opts.kc, (r) => {
    for (const o of landed) {
      const p = byKey.get(releaseKey(o));
      if (!p) continue;
      const previous = r.releases[releaseKey(o)];
      r.releases[releaseKey(o)] = {
        runlevel: o.runlevel,
        name: o.name,
        namespace: o.namespace,
        chart: `${p.release.chart.name}-${p.release.chart.version}`,
        labels: p.release.labels,
        digest: o.digest,
        revision: o.revision ?? previous?.revision ?? 0,
        deployedAt: o.action === 'unchanged' && previous ? previous.deployedAt : new Date().toISOString(),
      };
    }
  });
}

async function runTasks(
  opts: DeployOptions,
  progress: Progress,
  names: string[],
  phase: 'before' | 'after',
): Promise<{ task: string; message: string } | undefined> {
  for (const name of names) {
    if (!opts.runTask) return { task: name, message: 'no task runner configured' };
    progress.task(name, phase, 'start');
    try {
      const changed = await opts.runTask(name);
      progress.task(name, phase, 'done', changed.length > 0 ? changed.join(', ') : 'no changes');
    } catch (err) {
      progress.task(name, phase, 'failed', (err as Error).message);
      return { task: name, message: (err as Error).message };
    }
  }
  return undefined;
}
