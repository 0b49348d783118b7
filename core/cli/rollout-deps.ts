// The real effects behind a rollout (core/rollout/run.ts): each cluster validated from the values
// repo, reached within a bound, deployed by the deploy command's own path (its lock, its record),
// and read for the gate the way `fleet status` reads it.
import { logProgress } from '../deploy/progress.js';
import type { GateReading } from '../rollout/gate.js';
import type { Clock, DeployResult, RolloutDeps } from '../rollout/run.js';
import { UserError } from '../shared/errors.js';
import { shutdown } from '../shared/exec.js';
import { loadKubeConfig } from '../shared/kube.js';
import { ValuesRepo } from '../values/index.js';
import type { OpenedRepo } from '../values/repo.js';
import { coreVersion } from './commands/version.js';
import type { ResolvedConfig } from './config.js';
import { type DeployRunOptions, type PreparedDeploy, prepareDeploy, runPrepared } from './deploy-run.js';
import { firstLine, kubeconfigFor, probe, within } from './fleet-source.js';
import { pinOf } from './pin.js';
import { type ClusterConnection, connectCluster } from './pipeline.js';
import { serverIdentity } from './server-identity.js';
import { readClusterStatus } from './status-source.js';

export interface Bounds {
  /** How long an API server has to answer a first request. */
  probeMs: number;
  /** How long one reading of a cluster's status may take. */
  readMs: number;
}

export const realClock: Clock = {
  now: () => Date.now(),
  // A soak waits on a timer, cut short by SIGINT/SIGTERM: no busy loop, no wait past an interrupt.
  sleep: (ms) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        shutdown.signal.removeEventListener('abort', done);
        resolve();
      }
      shutdown.signal.addEventListener('abort', done, { once: true });
    }),
};

/** The config that reaches one cluster of runlevel.yaml (its kubeconfig and context). */
export function clusterConfig(config: ResolvedConfig, repo: OpenedRepo, cluster: string): ResolvedConfig {
  const entry = repo.file.clusters[cluster];
  if (!entry) throw new UserError(`cluster ${cluster} is not in runlevel.yaml`);
  return { ...config, cluster, kubeconfig: kubeconfigFor(config, cluster, entry, repo.root) };
}

export function realDeps(
  config: ResolvedConfig,
  repo: OpenedRepo,
  deploy: DeployRunOptions,
  bounds: Bounds,
  emit: RolloutDeps['emit'],
): RolloutDeps {
  let values: Promise<ValuesRepo> | undefined;
  // What each cluster's deploy rendered and applied, for its gate reads (readGate).
  const deployed = new Map<string, Deployed>();
  return {
    emit,
    clock: realClock,
    interrupted: () => shutdown.signal.aborted,
    async validate(cluster) {
      const pin = pinOf(repo.file, cluster).version;
      if (pin !== coreVersion())
        return `pinned to core ${pin}, this is core ${coreVersion()}: roll it out with its own core, or move its pin (runlevel promote)`;
      try {
        clusterConfig(config, repo, cluster); // a context missing from the kubeconfig is said here
        values ??= ValuesRepo.open(config.valuesDir, config.ageKeyFile);
        await (await values).resolve(cluster);
        return undefined;
      } catch (err) {
        if (!(err instanceof UserError)) throw err;
        const p = err.problems[0];
        const where = p?.where ? `${p.where.file}:${p.where.line}:${p.where.col}: ` : '';
        return p ? `${err.message}: ${where}${p.path ? `${p.path}: ` : ''}${p.message}` : err.message;
      }
    },
    async identify(cluster) {
      const entry = repo.file.clusters[cluster];
      const cfg = clusterConfig(config, repo, cluster); // a bad context: validate says so
      return serverIdentity(
        loadKubeConfig(cfg.kubeconfig),
        {
          cluster,
          kubeconfig: entry?.kubeconfig ?? config.kubeconfig ?? process.env.KUBECONFIG ?? '~/.kube/config',
          ...(entry?.context ? { context: entry.context } : {}),
        },
        bounds.probeMs,
      );
    },
    async deploy(cluster) {
      const started = Date.now();
      const seconds = () => (Date.now() - started) / 1000;
      const cfg = clusterConfig(config, repo, cluster);
      const unreachable = await reach(cfg, bounds.probeMs);
      if (unreachable !== undefined)
        return {
          outcome: 'unreachable',
          seconds: seconds(),
          failure: { step: 'connect', message: unreachable },
        };
      const conn = await connectCluster(cfg);
      const step = await prepareDeploy(cfg, conn, deploy);
      const report = await runPrepared(cfg, conn, step, deploy, logProgress(cluster), new Date(started));
      deployed.set(cluster, { conn, step });
      const r = report.record;
      const outcome: DeployResult['outcome'] =
        r.outcome === 'succeeded' ? 'deployed' : r.outcome === 'interrupted' ? 'interrupted' : 'failed';
      return { outcome, seconds: seconds(), ...(r.failure ? { failure: r.failure } : {}) };
    },
    read: (cluster) => readGate(clusterConfig(config, repo, cluster), bounds, deployed.get(cluster)),
  };
}

/** undefined when the API server answered in time; else why not. */
async function reach(config: ResolvedConfig, ms: number): Promise<string | undefined> {
  try {
    await probe(loadKubeConfig(config.kubeconfig), ms);
    return undefined;
  } catch (err) {
    return firstLine(err);
  }
}

/** A cluster's deploy in this run: its connection and the render it applied. */
export interface Deployed {
  conn: ClusterConnection;
  /** The deploy's own preparation: its render when it made one, else made once on first use. */
  step: PreparedDeploy;
}

/**
 * One reading of a cluster for its gate: releases, readiness, drift and deploy records. After a
 * deploy of this run, its render is planned against the cluster again: the gate judges what was
 * applied, and nothing is rendered. Without one (promote reads a stage it did not deploy, in a
 * process of its own) the values are rendered for the plan: in sync or not is the render against
 * what helm holds. The images listing the status page shows is never made here: no gate reads it.
 */
export async function readGate(
  config: ResolvedConfig,
  bounds: Bounds,
  deployed?: Deployed,
): Promise<GateReading> {
  const cluster = config.cluster ?? '';
  const unreachable = await reach(config, bounds.probeMs);
  if (unreachable !== undefined)
    return {
      cluster,
      reachable: false,
      error: unreachable,
      releases: [],
      deploys: [],
    };
  try {
    const s = await within(
      (async () =>
        readClusterStatus(config, {
          deploys: 20,
          images: async () => [],
          // A deploy that skipped its render (nothing changed) renders here, once.
          ...(deployed ? { conn: deployed.conn, rendered: await deployed.step.full() } : {}),
        }))(),
      bounds.readMs,
      `its status took longer than ${bounds.readMs / 1000} s`,
    );
    return {
      cluster,
      reachable: true,
      releases: s.runlevels.flatMap((rl) =>
        rl.releases.map((r) => ({
          runlevel: rl.name,
          release: r.release,
          ready: r.ready,
          state: r.state,
          notReady: r.notReady,
        })),
      ),
      deploys: s.deploys,
    };
  } catch (err) {
    return { cluster, reachable: true, error: firstLine(err), releases: [], deploys: [] };
  }
}
