// One runlevel: its waves of releases through helm (bounded parallelism), the readiness gate,
// and the rollback of whatever failed. Every helm write is fenced by the lock. Nothing new starts
// after a failure, a signal or a lost lock; what is in flight is finished, unless a second signal
// stopped it (helm marks it failed; it is left so for the next deploy to roll back).
import { driftItems } from '../drift/describe.js';
import type { Helm } from '../shared/helm.js';
import { rewriteManifest } from '../shared/images/rewrite.js';
import { shortError } from '../shared/kube.js';
import { mapLimit } from '../shared/pool.js';
import type { ClusterStore } from './cluster.js';
import { LockLostError } from './lock.js';
import type { PlannedRelease, RunlevelPlan } from './plan.js';
import type { Progress } from './progress.js';
import type { ReleaseAction } from './record.js';
import { isGated, type WaitTarget } from './wait.js';

export interface ApplyContext {
  store: Pick<ClusterStore, 'waitReady'>;
  helm: Helm;
  concurrency: number;
  /** The merged values helm gets for this release. */
  valuesOf(p: PlannedRelease): Record<string, unknown>;
  /** True once nothing new may start: a signal arrived or the lock was lost. */
  stopping(): boolean;
  /** A second signal: helm calls in flight are being stopped; nothing is rolled back. */
  halted(): boolean;
  /** Runs one write only while the lock is ours (Run.fence in locked-run.ts). */
  fence<T>(what: string, timeoutMs: number, write: () => Promise<T>): Promise<T>;
  progress: Progress;
}

export interface ReleaseOutcome {
  runlevel: string;
  name: string;
  namespace: string;
  action: ReleaseAction;
  revision?: number;
  digest: string;
  seconds: number;
  error?: string;
  /** A repair: the objects and fields it put back (no values). */
  drift?: string[];
}

export interface RunlevelOutcome {
  outcomes: ReleaseOutcome[];
  failure?: { release?: string; step: string; message: string };
}

export async function applyRunlevel(ctx: ApplyContext, rl: RunlevelPlan): Promise<RunlevelOutcome> {
  // A signal during the gate stops the wait: the releases in flight are finished (upgraded), and
  // the runlevel is reported as interrupted rather than rolled back.
  const deadline = Date.now() + rl.timeoutMs;
  const outcomes: ReleaseOutcome[] = [];
  for (const wave of rl.waves) {
    for (const p of wave.filter((x) => x.action === 'unchanged')) {
      outcomes.push(outcome(p, 'unchanged', 0, p.previousRevision));
      ctx.progress.release(p, 'unchanged', 0);
    }
    const changed = wave.filter((x) => x.action !== 'unchanged');
    if (changed.length === 0) continue;

    const done = await upgradeAll(ctx, changed, rl.timeoutMs);
    outcomes.push(...done.map((d) => d.outcome));
    const failedHelm = done.filter((d) => d.outcome.action === 'failed');
    const upgraded = done.filter((d) => d.outcome.action !== 'failed' && d.outcome.action !== 'skipped');

    // Readiness of what this wave changed; the slowest object sets the time, not the sum.
    const targets = upgraded.flatMap(({ planned }) =>
      planned.release.objects.filter(isGated).map(
        (o): WaitTarget => ({
          release: `${planned.release.namespace}/${planned.release.name}`,
          apiVersion: o.apiVersion,
          kind: o.kind,
          name: o.name,
          namespace: o.namespace,
        }),
      ),
    );
    let notReadyReleases = new Set<string>();
    let gateInterrupted = false;
    let gateMessage = '';
    if (targets.length > 0 && failedHelm.length === 0 && !ctx.stopping()) {
      ctx.progress.waiting(rl.name, targets.length);
      const gate = await ctx.store.waitReady(targets, {
        timeoutMs: Math.max(1_000, deadline - Date.now()),
        stop: ctx.stopping,
      });
      gateInterrupted = !gate.ok && ctx.stopping();
      if (!gate.ok && !gateInterrupted) {
        notReadyReleases = new Set(gate.notReady.map((n) => n.target.release));
        gateMessage = gate.notReady
          .slice(0, 5)
          .map(
            (n) =>
              `${n.target.kind} ${n.target.namespace ? `${n.target.namespace}/` : ''}${n.target.name}: ${n.state}`,
          )
          .join('; ');
      }
    }

    if (ctx.halted()) return { outcomes, failure: halted(done) };
    const toRollBack = done.filter(
      (d) =>
        d.outcome.action === 'failed' ||
        notReadyReleases.has(`${d.planned.release.namespace}/${d.planned.release.name}`),
    );
    if (toRollBack.length > 0) {
      await rollBack(ctx, toRollBack);
      const first = failedHelm[0]?.outcome ?? toRollBack[0]?.outcome;
      return {
        outcomes,
        failure: {
          release: first?.name,
          step: failedHelm.length > 0 ? 'release' : 'readiness',
          message:
            failedHelm.length > 0
              ? (first?.error ?? 'helm failed')
              : `not ready in ${rl.timeoutMs / 1000}s: ${gateMessage}`,
        },
      };
    }
    if (done.some((d) => d.outcome.action === 'skipped') || ctx.stopping()) {
      const ran = done.filter((d) => d.outcome.action !== 'skipped');
      const notStarted = done.length - ran.length;
      const parts = [
        ran.length > 0 ? `${ran.map((d) => d.planned.release.name).join(', ')} finished` : '',
        notStarted > 0 ? `${notStarted} release${notStarted === 1 ? '' : 's'} not started` : '',
      ].filter(Boolean);
      return {
        outcomes,
        failure: {
          release: ran.at(-1)?.planned.release.name,
          step: 'interrupted',
          message: `stopped before the runlevel finished${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`,
        },
      };
    }
  }
  return { outcomes };
}

interface Done {
  planned: PlannedRelease;
  outcome: ReleaseOutcome;
}

/** The wave's releases through helm, `concurrency` at once; after a failure or a stop the rest are skipped. */
async function upgradeAll(ctx: ApplyContext, changed: PlannedRelease[], timeoutMs: number): Promise<Done[]> {
  let failed = false;
  return mapLimit(changed, ctx.concurrency, async (p): Promise<Done> => {
    if (failed || ctx.stopping()) return { planned: p, outcome: outcome(p, 'skipped', 0) };
    const started = Date.now();
    ctx.progress.releaseStart(p);
    try {
      const what = `${p.action} ${p.release.namespace}/${p.release.name}`;
      const revision = await ctx.fence(what, timeoutMs, async () => {
        if (p.recover === 'rollback' && p.previousRevision) {
          await ctx.helm.rollback(p.release.name, p.release.namespace, p.previousRevision);
        } else if (p.recover === 'uninstall') {
          await ctx.helm.uninstall(p.release.name, p.release.namespace);
        }
        // helm's post-renderer, in this process: the rewrite render applied, so helm stores what it showed.
        const rewrite = p.release.imageRewrite;
        return ctx.helm.upgrade(
          {
            name: p.release.name,
            namespace: p.release.namespace,
            chartPath: p.release.chart.path,
            values: ctx.valuesOf(p),
            ...(rewrite ? { postRender: (manifest: string) => rewriteManifest(manifest, rewrite) } : {}),
          },
          timeoutMs,
        );
      });
      const action = p.action === 'install' ? 'installed' : p.action === 'repair' ? 'repaired' : 'upgraded';
      ctx.progress.release(p, action, seconds(started));
      const done = outcome(p, action, seconds(started), revision);
      return { planned: p, outcome: p.drift ? { ...done, drift: driftItems(p.drift) } : done };
    } catch (err) {
      failed = true;
      // The lock was taken before this release started: it never ran.
      if (err instanceof LockLostError) return { planned: p, outcome: outcome(p, 'skipped', 0) };
      const o = { ...outcome(p, 'failed', seconds(started)), error: shortError(err) };
      ctx.progress.release(p, 'failed', seconds(started), o.error);
      return { planned: p, outcome: o };
    }
  });
}

/** Back to the previous revision; a first install that failed is uninstalled. */
async function rollBack(ctx: ApplyContext, items: Done[]): Promise<void> {
  await Promise.all(
    items.map(async ({ planned, outcome: o }) => {
      const { name, namespace } = planned.release;
      try {
        await ctx.fence(`roll back ${namespace}/${name}`, 120_000, () =>
          planned.previousRevision
            ? ctx.helm.rollback(name, namespace, planned.previousRevision)
            : ctx.helm.uninstall(name, namespace),
        );
        o.action = 'rolled-back';
        o.revision = planned.previousRevision;
        ctx.progress.release(planned, 'rolled-back', o.seconds, o.error);
      } catch (err) {
        o.action = 'failed';
        o.error = `${o.error ?? 'not ready'}; rollback failed: ${shortError(err)}`;
      }
    }),
  );
}

/**
 * Stopped by a second signal: helm was told to stop (it marks the release failed); nothing is rolled
 * back, the next deploy does it (a failed release is rolled back before it is applied again).
 */
function halted(done: Done[]): RunlevelOutcome['failure'] {
  const stopped = done.filter((d) => d.outcome.action === 'failed');
  const finished = done.filter((d) => d.outcome.action !== 'failed' && d.outcome.action !== 'skipped');
  for (const d of stopped) d.outcome.error = `stopped by a second signal: ${d.outcome.error ?? ''}`;
  const names = stopped.map((d) => d.planned.release.name);
  return {
    release: names[0] ?? finished.at(-1)?.planned.release.name,
    step: 'interrupted',
    message:
      names.length > 0
        ? `stopped by a second signal: helm was told to stop ${names.join(', ')} and marked ${names.length === 1 ? 'it' : 'them'} failed; the next deploy rolls back and applies again`
        : 'stopped by a second signal after the releases in flight finished',
  };
}

function outcome(p: PlannedRelease, action: ReleaseAction, secs: number, revision?: number): ReleaseOutcome {
  const { runlevel, name, namespace } = p.release;
  return { runlevel, name, namespace, action, revision, digest: p.digest, seconds: secs };
}

const seconds = (since: number) => Math.round((Date.now() - since) / 100) / 10;
