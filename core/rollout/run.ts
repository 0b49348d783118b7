// The rollout's state machine: validate every cluster of the plan → per stage, deploy its clusters
// in parallel → soak (read the gate every poll until the soak is over) → next stage; it stops at
// the first failed cluster or gate and leaves later stages untouched. Effects (deploy, reading a
// cluster, time) come in through RolloutDeps, so the unit tests drive it with fakes.
import { type GateReading, type GateVerdict, gateVerdict } from './gate.js';
import type { RolloutPlan, StagePlan } from './plan.js';
import { type ServerIdentity, sharedServerMessage, sharedServers } from './same-server.js';

export interface DeployResult {
  outcome: 'deployed' | 'failed' | 'unreachable' | 'interrupted';
  seconds: number;
  /** Where and why it failed (a failed deploy's record, or the probe's error). */
  failure?: { runlevel?: string; release?: string; step: string; message: string };
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface RolloutDeps {
  /** Everything that can be checked before any change: values, pin, kubeconfig. Undefined: ok. */
  validate(cluster: string): Promise<string | undefined>;
  /** The API server the cluster's kubeconfig reaches; undefined when it did not answer (not compared). */
  identify(cluster: string): Promise<ServerIdentity | undefined>;
  deploy(cluster: string, stage: string): Promise<DeployResult>;
  read(cluster: string): Promise<GateReading>;
  clock: Clock;
  emit(event: RolloutEvent): void;
  interrupted?(): boolean;
}

export type ClusterState =
  | 'untouched'
  | 'deployed'
  | 'gate-held'
  | 'gate-failed'
  | 'deploy-failed'
  | 'unreachable'
  | 'interrupted';

export interface ClusterSummary {
  cluster: string;
  stage: string;
  state: ClusterState;
  seconds?: number;
  /** Why it stopped: the deploy's failure, the probe's error or the gate's reasons. */
  why?: string[];
  at?: { runlevel?: string; release?: string };
}

export type RolloutOutcome = 'completed' | 'invalid' | 'deploy-failed' | 'gate-failed' | 'interrupted';

export interface RolloutResult {
  outcome: RolloutOutcome;
  /** The stage it stopped in (resume with --from it). */
  stoppedAt?: string;
  /** Invalid clusters, each with why (nothing was deployed). */
  invalid?: { cluster: string; why: string; sameServerAs?: string }[];
  clusters: ClusterSummary[];
}

export type RolloutEvent =
  | { kind: 'validated'; cluster: string; ok: boolean; why?: string }
  | { kind: 'stage'; stage: string; state: 'start' | 'soaking' | 'held' | 'failed'; soakMs?: number }
  | {
      kind: 'cluster';
      stage: string;
      cluster: string;
      state: 'deploying' | DeployResult['outcome'];
      result?: DeployResult;
    }
  | { kind: 'gate'; stage: string; verdict: GateVerdict; remainingMs: number };

export async function runRollout(plan: RolloutPlan, deps: RolloutDeps): Promise<RolloutResult> {
  const summaries = new Map<string, ClusterSummary>();
  for (const s of plan.stages)
    for (const c of s.clusters) summaries.set(c, { cluster: c, stage: s.name, state: 'untouched' });
  const result = (outcome: RolloutOutcome, extra: Partial<RolloutResult> = {}): RolloutResult => ({
    outcome,
    ...extra,
    clusters: [...summaries.values()],
  });

  // One bad cluster anywhere stops everything before the first change; so does one that reaches
  // the API server of another cluster of the rollout (each deploy would overwrite the other's).
  const all = plan.stages.flatMap((s) => s.clusters);
  const [checks, ids] = await Promise.all([
    Promise.all(
      all.map(async (c) => ({
        cluster: c,
        why: await deps.validate(c),
        sameServerAs: undefined as string | undefined,
      })),
    ),
    Promise.all([...all, ...plan.others].map((c) => deps.identify(c).catch(() => undefined))),
  ]);
  for (const shared of sharedServers(ids.filter((id) => id !== undefined))) {
    // Said at the cluster this run deploys (the later one when it deploys both).
    const [at, other] = all.includes(shared.second.cluster)
      ? [shared.second, shared.first]
      : [shared.first, shared.second];
    const check = checks.find((c) => c.cluster === at.cluster);
    if (!check) continue; // neither is deployed by this run
    const why = sharedServerMessage(shared);
    check.why = check.why ? `${check.why}; ${why}` : why;
    check.sameServerAs = other.cluster;
  }
  for (const c of checks)
    deps.emit({
      kind: 'validated',
      cluster: c.cluster,
      ok: c.why === undefined,
      ...(c.why ? { why: c.why } : {}),
    });
  const invalid = checks.flatMap(({ cluster, why, sameServerAs }) =>
    why === undefined ? [] : [{ cluster, why, ...(sameServerAs ? { sameServerAs } : {}) }],
  );
  if (invalid.length > 0) return result('invalid', { invalid });

  for (const stage of plan.stages) {
    if (deps.interrupted?.()) return result('interrupted', { stoppedAt: stage.name });
    const stopped = await runStage(stage, plan.pollMs, deps, summaries);
    if (stopped) return result(stopped, { stoppedAt: stage.name });
  }
  return result('completed');
}

/** One stage; the outcome that stops the rollout, or undefined when its gate held. */
async function runStage(
  stage: StagePlan,
  pollMs: number,
  deps: RolloutDeps,
  summaries: Map<string, ClusterSummary>,
): Promise<RolloutOutcome | undefined> {
  const since = new Date(deps.clock.now()).toISOString();
  deps.emit({ kind: 'stage', stage: stage.name, state: 'start' });
  // Every cluster of the stage is deployed, even when another fails: each has its own lock and
  // record, and one cluster's failure says nothing about its neighbour's deploy.
  const results = await Promise.all(
    stage.clusters.map(async (cluster) => {
      deps.emit({ kind: 'cluster', stage: stage.name, cluster, state: 'deploying' });
      const r = await deps.deploy(cluster, stage.name).catch(
        (err: Error): DeployResult => ({
          outcome: 'failed',
          seconds: 0,
          failure: { step: 'deploy', message: err.message },
        }),
      );
      deps.emit({ kind: 'cluster', stage: stage.name, cluster, state: r.outcome, result: r });
      const s = summaries.get(cluster) as ClusterSummary;
      s.seconds = r.seconds;
      s.state = r.outcome === 'deployed' ? 'deployed' : r.outcome === 'failed' ? 'deploy-failed' : r.outcome;
      if (r.failure) {
        s.why = [r.outcome === 'unreachable' ? `unreachable: ${r.failure.message}` : r.failure.message];
        if (r.failure.runlevel || r.failure.release)
          s.at = {
            ...(r.failure.runlevel ? { runlevel: r.failure.runlevel } : {}),
            ...(r.failure.release ? { release: r.failure.release } : {}),
          };
      }
      return r;
    }),
  );
  if (results.some((r) => r.outcome === 'interrupted')) return 'interrupted';
  if (results.some((r) => r.outcome !== 'deployed')) {
    deps.emit({ kind: 'stage', stage: stage.name, state: 'failed' });
    return results.some((r) => r.outcome === 'failed') ? 'deploy-failed' : 'gate-failed';
  }

  deps.emit({ kind: 'stage', stage: stage.name, state: 'soaking', soakMs: stage.soakMs });
  const end = deps.clock.now() + stage.soakMs;
  for (;;) {
    const verdicts = await Promise.all(
      stage.clusters.map(async (c) => gateVerdict(await deps.read(c), stage.gate, since)),
    );
    const remainingMs = Math.max(0, end - deps.clock.now());
    for (const verdict of verdicts) deps.emit({ kind: 'gate', stage: stage.name, verdict, remainingMs });
    const failed = verdicts.filter((v) => !v.holds);
    if (failed.length > 0) {
      for (const v of failed) {
        const s = summaries.get(v.cluster) as ClusterSummary;
        s.state = v.reasons.some((r) => r.kind === 'unreachable') ? 'unreachable' : 'gate-failed';
        s.why = v.reasons.map((r) => r.message);
        const first = v.reasons.find((r) => r.runlevel || r.release);
        if (first)
          s.at = {
            ...(first.runlevel ? { runlevel: first.runlevel } : {}),
            ...(first.release ? { release: first.release } : {}),
          };
      }
      deps.emit({ kind: 'stage', stage: stage.name, state: 'failed' });
      return 'gate-failed';
    }
    if (remainingMs <= 0) break;
    if (deps.interrupted?.()) return 'interrupted';
    await deps.clock.sleep(Math.min(pollMs, remainingMs));
  }
  for (const c of stage.clusters) (summaries.get(c) as ClusterSummary).state = 'gate-held';
  deps.emit({ kind: 'stage', stage: stage.name, state: 'held' });
  return undefined;
}
