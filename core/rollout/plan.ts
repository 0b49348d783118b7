// The rollout plan, pure: which stages run (from --from on), which of their clusters (--only), with
// each stage's soak and gate resolved. Everything a mistake in the flags can be is refused here,
// before any cluster is read.
import { parseDuration } from '../deploy/plan.js';
import { closest } from '../shared/edit-distance.js';
import { UserError } from '../shared/errors.js';
import { ExitCode } from '../shared/exit-codes.js';
import type { Rollout, RolloutGate } from '../values/types.generated.js';

export interface Gate {
  ready: boolean;
  noDrift: boolean;
  noFailedDeploy: boolean;
}

export interface StagePlan {
  name: string;
  clusters: string[];
  soakMs: number;
  gate: Gate;
}

export interface RolloutPlan {
  stages: StagePlan[];
  /** Stages before --from: not touched by this run. */
  skipped: string[];
  /**
   * The rollout's clusters this run does not deploy (stages before --from, left out by --only):
   * a deployed cluster must not reach the API server of one of these either.
   */
  others: string[];
  pollMs: number;
}

export const defaultPollMs = 15_000;

export function resolveGate(gate: Partial<RolloutGate> | undefined): Gate {
  return {
    ready: gate?.ready ?? true,
    noDrift: gate?.noDrift ?? true,
    noFailedDeploy: gate?.noFailedDeploy ?? true,
  };
}

export function planRollout(
  rollout: Rollout | undefined,
  opts: { from?: string; only?: readonly string[] } = {},
): RolloutPlan {
  if (!rollout || rollout.stages.length === 0) {
    throw new UserError('runlevel.yaml has no rollout stages', {
      exitCode: ExitCode.invalid,
      hint: 'add rollout: {stages: [{name: dev, clusters: [dev], soak: 2m}, ...]} to runlevel.yaml (docs/rollout.md)',
    });
  }
  const names = rollout.stages.map((s) => s.name);
  let start = 0;
  if (opts.from !== undefined) {
    start = names.indexOf(opts.from);
    if (start < 0) {
      const guess = closest(opts.from, names);
      throw new UserError(`--from ${opts.from}: there is no such stage`, {
        exitCode: ExitCode.invalid,
        hint: guess
          ? `did you mean "${guess}"? The stages: ${names.join(', ')}`
          : `the stages: ${names.join(', ')}`,
      });
    }
  }
  const chosen = rollout.stages.slice(start);
  const only = opts.only ?? [];
  const inPlan = new Set(chosen.flatMap((s) => s.clusters));
  const strays = only.filter((c) => !inPlan.has(c));
  if (strays.length > 0) {
    const where = rollout.stages.find((s) => s.clusters.some((c) => strays.includes(c)));
    throw new UserError(
      `--only ${strays.join(', ')}: not in any stage ${opts.from ? `from ${opts.from} on` : ''}`.trim(),
      {
        exitCode: ExitCode.invalid,
        hint: where
          ? `${strays[0]} is in stage ${where.name}, before --from ${opts.from}`
          : `the clusters of the stages: ${[...inPlan].join(', ')}`,
      },
    );
  }
  const stages = chosen
    .map((s) => ({
      name: s.name,
      clusters: only.length > 0 ? s.clusters.filter((c) => only.includes(c)) : [...s.clusters],
      soakMs: parseDuration(s.soak ?? '0s') ?? 0,
      gate: resolveGate(s.gate),
    }))
    .filter((s) => s.clusters.length > 0);
  const deployed = new Set(stages.flatMap((s) => s.clusters));
  return {
    stages,
    skipped: names.slice(0, start),
    others: [...new Set(rollout.stages.flatMap((s) => s.clusters))].filter((c) => !deployed.has(c)),
    pollMs: parseDuration(rollout.poll ?? '') ?? defaultPollMs,
  };
}

/** The stage before `name` (what must hold before promoting to it), or undefined for the first. */
export function previousStage(rollout: Rollout, name: string): Rollout['stages'][number] | undefined {
  const i = rollout.stages.findIndex((s) => s.name === name);
  return i > 0 ? rollout.stages[i - 1] : undefined;
}
