// runlevel rollout: the fleet, stage by stage (runlevel.yaml's rollout.stages): every cluster
// validated first, then each stage's clusters deployed in parallel, soaked and gated; it stops at
// the first failed cluster or gate, and `--from STAGE` resumes there.
import { parseDuration } from '../../deploy/plan.js';
import { planRollout } from '../../rollout/plan.js';
import { type RolloutResult, runRollout } from '../../rollout/run.js';
import { UserError } from '../../shared/errors.js';
import { ExitCode } from '../../shared/exit-codes.js';
import { log } from '../../shared/log.js';
import { readRepoFile } from '../../values/repo.js';
import type { Command } from '../command.js';
import { deployRunOptions } from '../deploy-run.js';
import { listFlag } from '../flags.js';
import { realDeps } from '../rollout-deps.js';
import { logRolloutEvent, writeSummary } from '../rollout-report.js';
import { checkRunlevelHeaders } from '../runlevel-headers.js';

export const command: Command = {
  summary: 'deploy the fleet stage by stage (runlevel.yaml rollout.stages), each stage soaked and gated',
  usage:
    'runlevel rollout [--from STAGE] [--only CLUSTER]... [--timeout 5m] [--probe-timeout 10s] [-o json]\n\n' +
    'Every cluster of every stage is validated first: one invalid cluster stops all (exit 2) before\n' +
    'any deploy. Then each stage deploys its clusters in parallel (each with its own lock and record),\n' +
    'waits out its soak reading the gate (every release Ready, no drift, no failed deploy), and the\n' +
    'next stage starts only when the gate held. It stops at the first failed deploy (exit 5) or gate\n' +
    '(exit 9), later stages untouched; resume with --from STAGE.',
  options: {
    from: { type: 'string', env: 'RUNLEVEL_ROLLOUT_FROM', help: 'start at this stage (resume)' },
    only: { type: 'string', multiple: true, help: 'only this cluster (repeat for more)' },
    timeout: {
      type: 'string',
      env: 'RUNLEVEL_TIMEOUT',
      help: 'cap on each runlevel readiness timeout (90s, 5m)',
    },
    'probe-timeout': {
      type: 'string',
      help: 'how long a cluster has to answer before it is called unreachable (default 10s)',
    },
    'read-timeout': {
      type: 'string',
      help: 'how long one reading of a cluster for its gate may take (default 120s)',
    },
    'wait-lock': {
      type: 'string',
      env: 'RUNLEVEL_WAIT_LOCK',
      help: 'wait this long for a deploy in progress',
    },
    concurrency: {
      type: 'string',
      env: 'RUNLEVEL_CONCURRENCY',
      help: 'releases applied at once per runlevel',
    },
    strict: { type: 'boolean', env: 'RUNLEVEL_CHECK_STRICT', help: 'policy warnings stop a deploy too' },
  },
  async run({ config, flags }) {
    const repo = await readRepoFile(config.valuesDir);
    const plan = planRollout(repo.file.rollout, {
      from: flags.from === undefined ? undefined : String(flags.from),
      only: listFlag(flags, 'only'),
    });
    const bounds = {
      probeMs: bound(flags['probe-timeout'], '--probe-timeout', 10_000),
      readMs: bound(flags['read-timeout'], '--read-timeout', 120_000),
    };
    const deploy = deployRunOptions(flags);
    checkRunlevelHeaders(); // before any lock: an unknown task must not stop a stage half-way
    if (plan.skipped.length > 0)
      log.info(`stages before ${plan.stages[0]?.name}: ${plan.skipped.join(', ')} (not touched)`);
    const result = await runRollout(plan, realDeps(config, repo, deploy, bounds, logRolloutEvent));
    writeSummary(result, config.output === 'json');
    return ending(result);
  },
};

function bound(value: unknown, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const ms = parseDuration(String(value));
  if (ms === undefined || ms < 1000)
    throw new UserError(`${flag} ${String(value)} is not a duration of 1s or more`, {
      hint: 'use 10s or 2m',
    });
  return ms;
}

/** The exit: 0 completed; 2 invalid; 5 a deploy failed; 9 a gate failed or a cluster was unreachable. */
function ending(result: RolloutResult): ExitCode | undefined {
  const stopped = result.clusters.filter((c) => !['gate-held', 'deployed', 'untouched'].includes(c.state));
  const resume = result.stoppedAt
    ? `fix the cause, then resume: runlevel rollout --from ${result.stoppedAt}`
    : '';
  switch (result.outcome) {
    case 'completed':
      log.done(`rollout complete: ${result.clusters.length} clusters, every gate held`);
      return undefined;
    case 'interrupted':
      log.warn(`rollout interrupted in stage ${result.stoppedAt}; ${resume}`);
      return ExitCode.interrupted;
    case 'invalid':
      throw new UserError(
        `rollout refused: ${result.invalid?.length} cluster(s) invalid, nothing was deployed: ${result.invalid?.map((i) => i.cluster).join(', ')}`,
        {
          exitCode: ExitCode.invalid,
          problems: (result.invalid ?? []).map((i) => ({ message: `${i.cluster}: ${i.why}` })),
          hint: result.invalid?.some((i) => i.sameServerAs)
            ? 'give each cluster of runlevel.yaml the kubeconfig and context of its own API server, then run rollout again'
            : 'fix each cluster (`runlevel validate --cluster C` shows every problem), then run rollout again',
        },
      );
    default: {
      const first = stopped[0];
      const at = first?.at ? ` at ${[first.at.runlevel, first.at.release].filter(Boolean).join(' / ')}` : '';
      const why = first ? `${first.cluster} ${first.state}${at}: ${first.why?.join('; ') ?? ''}` : '';
      const later = result.clusters.filter((c) => c.state === 'untouched').map((c) => c.cluster);
      throw new UserError(`rollout stopped in stage ${result.stoppedAt}: ${why}`, {
        exitCode: result.outcome === 'deploy-failed' ? ExitCode.deployFailed : ExitCode.gateFailed,
        hint: `${later.length > 0 ? `not touched: ${later.join(', ')}. ` : ''}${resume}`,
      });
    }
  }
}
