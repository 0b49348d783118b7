// The deploy stage: lock → plan (pure) → runlevels in order (tasks, waves, readiness gate) →
// prune → record. A command composes it after validate, render and check.
import type { ReleaseDrift } from '../drift/types.js';
import type { Helm, HelmRelease } from '../shared/helm.js';
import { shortError } from '../shared/kube.js';
import { log } from '../shared/log.js';
import { mark } from '../shared/timing.js';
import { applyRunlevel, type ReleaseOutcome } from './apply.js';
import type { ClusterStore } from './cluster.js';
import { LockLostError } from './lock.js';
import { type LockedRunOptions, lockedRun, type Run } from './locked-run.js';
import {
  type DeployPlan,
  type DesiredRelease,
  type PlannedRelease,
  planDeploy,
  type RunlevelSettings,
} from './plan.js';
import { logProgress, type Progress } from './progress.js';
import { type ClusterRecord, type DeployRecord, releaseKey } from './record.js';
import { reportUnchanged, unchangedPlan } from './unchanged.js';

export type { DeployPlan } from './plan.js';
export type { DeployRecord } from './record.js';

export interface DeployRelease extends DesiredRelease {
  values: Record<string, unknown>;
}

/** What a plan is made from besides what the cluster holds. */
export interface PlanInput {
  runlevels: RunlevelSettings[];
  releases: DesiredRelease[];
  force?: boolean;
  prune?: boolean;
  /** The deploy was limited by --selector: only deployed releases these labels match may be pruned. */
  selects?: (labels: Record<string, string>) => boolean;
  /** Caps every runlevel's readiness timeout (--timeout). */
  timeoutMs?: number;
  /**
   * Reads the live objects of these releases and says which drifted from their manifests. Asked
   * only about releases the plan would leave unchanged: the others are applied anyway.
   */
  drift?: (releases: PlannedRelease[]) => Promise<Map<string, ReleaseDrift>>;
}

export interface ClusterPlan {
  plan: DeployPlan;
  record: ClusterRecord;
  helm: HelmRelease[];
}

/**
 * The plan against what the cluster holds: the deploy record and helm's own list. `seen` is what
 * the caller read already (diff and status list helm while they render); a deploy reads afresh
 * under its lock.
 */
export async function planAgainst(
  cluster: { store: Pick<ClusterStore, 'readRecord'>; helm: Pick<Helm, 'list'> },
  input: PlanInput,
  seen: { record?: ClusterRecord; helm?: Promise<HelmRelease[]> } = {},
): Promise<ClusterPlan> {
  const [record, helm] = await Promise.all([
    seen.record ?? cluster.store.readRecord(),
    seen.helm ?? cluster.helm.list(),
  ]);
  const planWith = (drift?: Map<string, ReleaseDrift>) =>
    planDeploy({
      runlevels: input.runlevels,
      desired: input.releases,
      deployed: record.releases,
      helm,
      force: input.force,
      prune: input.prune,
      selects: input.selects,
      timeoutCapMs: input.timeoutMs,
      drift,
    });
  const plan = planWith();
  if (!input.drift || input.force) return { plan, record, helm };
  const inSync = plan.runlevels.flatMap((rl) => rl.waves.flat().filter((p) => p.action === 'unchanged'));
  const started = Date.now();
  const drift = inSync.length > 0 ? await input.drift(inSync) : new Map();
  log.debug(
    () =>
      `live objects of ${inSync.length} releases compared in ${Date.now() - started} ms: ${drift.size} drifted`,
  );
  return { plan: drift.size > 0 ? planWith(drift) : plan, record, helm };
}

/**
 * Releases applied at once per runlevel. A release's install is mostly waiting on the API server
 * (and its admission webhooks), not on our CPU: the first deploy of 50 teams (206 releases) took
 * 35–36 s with 4 at once, 35 s with 8, 28–31 s with 16 and 31 s with 32 (docs/benchmarks.md, deploy).
 */
export const defaultApplyConcurrency = 16;

/** A deploy is a locked run (lock, record, signals: LockedRunOptions) that walks a plan. */
export interface DeployOptions extends PlanInput, Omit<LockedRunOptions, 'command'> {
  helm: Helm;
  releases: DeployRelease[];
  concurrency?: number;
  /** Runs one lifecycle task; throws when it fails for good. */
  runTask?: (name: string) => Promise<string[]>;
  progress?: Progress;
  /**
   * This deploy's inputs equal the last deploy's (DeployRecord.inputs): nothing was rendered yet.
   * Under the lock, `verify` says whether the cluster is as that deploy left it; if so the run
   * records every release unchanged, else `full` renders and checks, and the deploy goes on as any.
   */
  unchanged?: {
    verify(record: ClusterRecord, helm: HelmRelease[]): Promise<string | undefined>;
    full(): Promise<PlanInput & { releases: DeployRelease[] }>;
  };
}

export interface DeployReport {
  record: DeployRecord;
  plan: DeployPlan;
  outcomes: ReleaseOutcome[];
}

export async function runDeploy(opts: DeployOptions): Promise<DeployReport> {
  const progress = opts.progress ?? logProgress();
  let input = opts;
  let asBefore = false;
  mark('deploy starts: taking the lock');
  const report = await lockedRun(
    { ...opts, command: 'deploy' },
    {
      plan: async () => {
        mark('lock taken');
        let seen: { record?: ClusterRecord; helm?: Promise<HelmRelease[]> } = {};
        if (opts.unchanged) {
          const [record, helm] = await Promise.all([opts.store.readRecord(), opts.helm.list()]);
          const why = await opts.unchanged.verify(record, helm);
          if (why === undefined) {
            asBefore = true;
            mark('unchanged since the last deploy (helm list, record, drift)');
            return unchangedPlan(record);
          }
          log.debug(() => `deploying in full: ${why}`);
          input = { ...opts, ...(await opts.unchanged.full()) };
          seen = { record, helm: Promise.resolve(helm) };
          mark('rendered and checked under the lock');
        }
        const { plan } = await planAgainst(input, input, seen);
        mark('planned (helm list, record, drift)');
        return plan;
      },
      walk: async (plan, run) => {
        if (asBefore) reportUnchanged(progress, plan, run);
        else await walkDeploy(input, progress, plan, run);
        mark('runlevels applied');
      },
    },
  );
  mark('record written, lock released');
  return report;
}

async function walkDeploy(
  opts: DeployOptions,
  progress: Progress,
  plan: DeployPlan,
  run: Run,
): Promise<void> {
  const { record, outcomes } = run;
  const valuesByKey = new Map(opts.releases.map((r) => [releaseKey(r), r.values]));
  const ctx = {
    store: opts.store,
    helm: opts.helm,
    concurrency: opts.concurrency ?? defaultApplyConcurrency,
    valuesOf: (p: PlannedRelease) => valuesByKey.get(releaseKey(p.release)) ?? {},
    stopping: run.stopping,
    halted: run.halted,
    fence: run.fence,
    progress,
  };

  let earlierChanged = false;
  for (const rl of plan.runlevels) {
    if (run.stopping()) {
      record.failure = { runlevel: rl.name, step: 'interrupted', message: 'stopped before this runlevel' };
      return;
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
    await run.enter(rl.name, changes > 0);
    const before = tasksDue ? await runTasks(opts, run, progress, rl.before, 'before') : undefined;
    if (before) {
      record.failure = { runlevel: rl.name, step: `task ${before.task}`, message: before.message };
      return;
    }
    const result = await applyRunlevel(ctx, rl);
    outcomes.push(...result.outcomes);
    // Only a runlevel that passed its gate is recorded as deployed: releases upgraded but never
    // seen ready (an interrupt during the gate) must be upgraded and waited for again next time.
    if (result.failure) {
      record.failure = { runlevel: rl.name, ...result.failure };
      return;
    }
    await run.fence(`record ${rl.name}`, 60_000, () => recordReleases(opts, result.outcomes, releases));
    const after = tasksDue ? await runTasks(opts, run, progress, rl.after, 'after') : undefined;
    if (after) {
      record.failure = { runlevel: rl.name, step: `task ${after.task}`, message: after.message };
      return;
    }
    progress.runlevelDone(rl.name, (Date.now() - rlStarted) / 1000);
  }

  // Prune only after the new state is up, from the last runlevel backwards.
  for (const p of plan.prune) {
    if (run.stopping()) {
      record.failure = {
        runlevel: p.runlevel,
        release: p.name,
        step: 'interrupted',
        message: 'stopped while pruning',
      };
      return;
    }
    const t = Date.now();
    await run.enter(p.runlevel, false);
    progress.prune(p.name, p.namespace, 'start');
    try {
      await run.fence(`prune ${p.namespace}/${p.name}`, 120_000, async () => {
        await opts.helm.uninstall(p.name, p.namespace);
        await opts.store.updateRecord((r) => {
          delete r.releases[releaseKey(p)];
        });
      });
      outcomes.push({ ...p, action: 'pruned', digest: '', seconds: (Date.now() - t) / 1000 });
      progress.prune(p.name, p.namespace, 'done');
    } catch (err) {
      if (err instanceof LockLostError) throw err; // ends the run as displaced
      progress.prune(p.name, p.namespace, 'failed', shortError(err));
      record.failure = { runlevel: p.runlevel, release: p.name, step: 'prune', message: shortError(err) };
      return;
    }
  }
}

/** Record each release as it lands, so a crash later still leaves a true record. */
async function recordReleases(
  opts: DeployOptions,
  outcomes: ReleaseOutcome[],
  planned: PlannedRelease[],
): Promise<void> {
  const landed = outcomes.filter(
    (o) =>
      o.action === 'installed' ||
      o.action === 'upgraded' ||
      o.action === 'repaired' ||
      o.action === 'unchanged',
  );
  if (landed.length === 0) return;
  const byKey = new Map(planned.map((p) => [releaseKey(p.release), p]));
  await opts.store.updateRecord((r) => {
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
  run: Run,
  progress: Progress,
  names: string[],
  phase: 'before' | 'after',
): Promise<{ task: string; message: string } | undefined> {
  for (const name of names) {
    const runTask = opts.runTask;
    if (!runTask) return { task: name, message: 'no task runner configured' };
    progress.task(name, phase, 'start');
    try {
      // Tasks write (secrets, labels): fenced like a release.
      const changed = await run.fence(`task ${name}`, 10 * 60_000, () => runTask(name));
      progress.task(name, phase, 'done', changed.length > 0 ? changed.join(', ') : 'no changes');
    } catch (err) {
      if (err instanceof LockLostError) throw err; // ends the run as displaced
      progress.task(name, phase, 'failed', (err as Error).message);
      return { task: name, message: (err as Error).message };
    }
  }
  return undefined;
}
