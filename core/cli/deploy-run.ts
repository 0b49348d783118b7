// One cluster's deploy as `runlevel deploy` makes it (downgrade refusal, values → render → check →
// plan under the lock → runlevels → record), shared by the deploy and rollout commands so a
// rollout deploys each cluster exactly as a deploy of that cluster would.
import { type DeployReport, runDeploy } from '../deploy/index.js';
import type { Progress } from '../deploy/progress.js';
import { changedSince } from '../deploy/unchanged.js';
import { halt, shutdown } from '../shared/exec.js';
import { mark } from '../shared/timing.js';
import type { Resolved } from '../values/index.js';
import type { Flags } from './command.js';
import { coreVersion } from './commands/version.js';
import type { ResolvedConfig } from './config.js';
import { deployInputs, verifyUnchanged } from './deploy-inputs.js';
import { durationBounds, durationFlag } from './durations.js';
import { concurrencyFlag, listFlag } from './flags.js';
import { refuseDowngrade } from './pin.js';
import {
  type AgainstCluster,
  type AgainstClusterOptions,
  type ClusterConnection,
  type ReadAgainst,
  readAgainstCluster,
  renderAgainstCluster,
  valuesCommit,
} from './pipeline.js';
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

/** A deploy ready for its lock: values read, and rendered and checked unless its inputs are the last deploy's. */
export interface PreparedDeploy {
  resolved: Resolved;
  read: ReadAgainst;
  /** Every input's digest (deploy-inputs.ts), recorded with the run; none with --selector. */
  inputs?: string;
  /** The inputs equal the last successful deploy's: render and check wait for the verdict under the lock. */
  asBefore: boolean;
  /** values → render → check (made once; at once unless `asBefore`). */
  full(): Promise<AgainstCluster>;
}

/** Downgrade refusal, then values → render → check against what the cluster holds. */
export async function prepareDeploy(
  config: ResolvedConfig,
  conn: ClusterConnection,
  o: DeployRunOptions,
  { dryRun = false } = {},
): Promise<PreparedDeploy> {
  await refuseDowngrade(conn.store, coreVersion(), o.allowDowngrade, process.argv.slice(2));
  // What is deployed is read while the values load: unchanged releases are then not rendered
  // again. The plan itself is made under the lock, from what the cluster holds then.
  const opts: AgainstClusterOptions = {
    selectors: o.selectors,
    check: { strict: o.strict },
    state: o.force ? 'none' : 'reuse',
    force: o.force,
    prune: o.prune,
    timeoutMs: o.timeoutMs,
  };
  const read = await readAgainstCluster(config, conn, opts);
  const inputs = deployInputs(read, { ...o, coreVersion: coreVersion() });
  let rendered: Promise<AgainstCluster> | undefined;
  const full = () => {
    rendered ??= renderAgainstCluster(read, conn, opts);
    return rendered;
  };
  const asBefore =
    !dryRun &&
    !o.force &&
    inputs !== undefined &&
    read.state !== undefined &&
    changedSince(read.state.record, inputs) === undefined;
  if (asBefore) mark('inputs as the last deploy’s: render and check wait for the cluster’s verdict');
  else await full();
  return { resolved: read.resolved, read, inputs, asBefore, full };
}

/** The locked run of a prepared deploy: its own lock and record on its own cluster. */
export async function runPrepared(
  config: ResolvedConfig,
  conn: ClusterConnection,
  step: PreparedDeploy,
  o: DeployRunOptions,
  progress: Progress,
  started: Date,
): Promise<DeployReport> {
  const { inputs } = step;
  const input =
    step.asBefore && inputs
      ? {
          runlevels: [],
          releases: [],
          unchanged: {
            verify: verifyUnchanged(step.read, conn, inputs),
            full: async () => (await step.full()).input,
          },
        }
      : (await step.full()).input;
  return runDeploy({
    ...input,
    inputs,
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
