// One cluster's deploy as `runlevel deploy` makes it (downgrade refusal, values → render → check →
// plan under the lock → runlevels → record), shared by the deploy and rollout commands so a
// rollout deploys each cluster exactly as a deploy of that cluster would.
import { type DeployReport, runDeploy } from '../deploy/index.js';
import type { Progress } from '../deploy/progress.js';
import { halt, shutdown } from '../shared/exec.js';
import type { Flags } from './command.js';
import { coreVersion } from './commands/version.js';
import type { ResolvedConfig } from './config.js';
import { durationBounds, durationFlag } from './durations.js';
import { concurrencyFlag, listFlag } from './flags.js';
import { refuseDowngrade } from './pin.js';
import { type AgainstCluster, type ClusterConnection, planAgainstCluster, valuesCommit } from './pipeline.js';
import { taskRunner } from './tasks.js';

export interface DeployRunOptions {
  selectors: string[];
  waitLockMs?: number;
  lockTtlMs?: number;
  timeoutMs?: number;
  concurrency?: number;
  force: boolean;
  prune: boolean;
  strict: boolean;
  breakLock: boolean;
  allowDowngrade: boolean;
}

/** The deploy flags (deploy's and rollout's), read and bounded once. */
export function deployRunOptions(flags: Flags): DeployRunOptions {
  return {
    selectors: listFlag(flags, 'selector'),
    waitLockMs: durationFlag(flags['wait-lock'], '--wait-lock', durationBounds.waitLock),
    lockTtlMs: durationFlag(flags['lock-ttl'], '--lock-ttl', durationBounds.lockTtl),
    timeoutMs: durationFlag(flags.timeout, '--timeout', durationBounds.timeout),
    concurrency: concurrencyFlag(flags),
    force: flags.force === true,
    prune: flags['no-prune'] !== true,
    strict: flags.strict === true,
    breakLock: flags['break-lock'] === true,
    allowDowngrade: flags['allow-downgrade'] === true,
  };
}

/** Downgrade refusal, then values → render → check against what the cluster holds. */
export async function prepareDeploy(
  config: ResolvedConfig,
  conn: ClusterConnection,
  o: DeployRunOptions,
): Promise<AgainstCluster> {
  await refuseDowngrade(conn.store, coreVersion(), o.allowDowngrade, process.argv.slice(2));
  // What is deployed is read while the values load: unchanged releases are then not rendered
  // again. The plan itself is made under the lock, from what the cluster holds then.
  return planAgainstCluster(config, conn, {
    selectors: o.selectors,
    check: { strict: o.strict },
    state: o.force ? 'none' : 'reuse',
    force: o.force,
    prune: o.prune,
    timeoutMs: o.timeoutMs,
  });
}

/** The locked run of a prepared deploy: its own lock and record on its own cluster. */
export async function runPrepared(
  config: ResolvedConfig,
  conn: ClusterConnection,
  step: AgainstCluster,
  o: DeployRunOptions,
  progress: Progress,
  started: Date,
): Promise<DeployReport> {
  return runDeploy({
    ...step.input,
    store: conn.store,
    helm: conn.helm,
    cluster: step.resolved.cluster,
    coreVersion: coreVersion(),
    valuesCommit: await valuesCommit(config.valuesDir),
    started,
    waitLockMs: o.waitLockMs,
    breakLock: o.breakLock,
    lockTtlSeconds: o.lockTtlMs === undefined ? undefined : Math.max(1, Math.round(o.lockTtlMs / 1000)),
    concurrency: o.concurrency,
    runTask: taskRunner(conn.kc, step.resolved),
    interrupted: () => shutdown.signal.aborted,
    halted: () => halt.signal.aborted,
    progress,
  });
}
