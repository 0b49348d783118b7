// runlevel promote --to STAGE: the rollout done by commits, for clusters that GitOps agents run.
// The pins of the stage's clusters move to this core in one commit, only when every cluster of the
// stage before has held its gate on this core for its soak; otherwise nothing is written.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { parseDuration } from '../../deploy/plan.js';
import { previousStage, resolveGate } from '../../rollout/plan.js';
import { movePins, promoteVerdict } from '../../rollout/promote.js';
import { closest } from '../../shared/edit-distance.js';
import { UserError } from '../../shared/errors.js';
import { ExitCode } from '../../shared/exit-codes.js';
import { log } from '../../shared/log.js';
import { readRepoFile, repoFileName } from '../../values/repo.js';
import type { Command } from '../command.js';
import { pinOf } from '../pin.js';
import { clusterConfig, readGate } from '../rollout-deps.js';
import { logRolloutEvent } from '../rollout-report.js';
import { coreVersion } from './version.js';

export const command: Command = {
  summary: "move the next stage's pins in one commit, when the stage before it holds its gate (GitOps)",
  usage:
    'runlevel promote --to STAGE [--dry-run] [--probe-timeout 10s] [-o json]\n\n' +
    'Run by the core being promoted: every cluster of the stage before STAGE must be pinned to it,\n' +
    'deployed by it (its agent followed the pin), and have held the gate (every release Ready, no\n' +
    "drift, no failed deploy) for the stage's soak. Then the pins of STAGE's clusters move to this\n" +
    'core in one commit of runlevel.yaml (comments and order kept). Else nothing is written: exit 9.',
  options: {
    to: { type: 'string', help: 'the stage whose clusters move to this core' },
    'dry-run': { type: 'boolean', help: 'check the gate and show the pin moves; commit nothing' },
    'probe-timeout': { type: 'string', help: 'how long a cluster has to answer (default 10s)' },
    'read-timeout': { type: 'string', help: 'how long one reading of a cluster may take (default 120s)' },
  },
  async run({ config, flags }) {
    const repo = await readRepoFile(config.valuesDir);
    const rollout = repo.file.rollout;
    const names = rollout?.stages.map((s) => s.name) ?? [];
    const to = flags.to === undefined ? '' : String(flags.to);
    const target = rollout?.stages.find((s) => s.name === to);
    if (!rollout || !target) {
      const guess = closest(to, names);
      throw new UserError(to ? `promote --to ${to}: there is no such stage` : 'promote needs --to STAGE', {
        exitCode: ExitCode.invalid,
        hint:
          names.length === 0
            ? 'add rollout.stages to runlevel.yaml (docs/rollout.md)'
            : `${guess && to ? `did you mean "${guess}"? ` : ''}the stages: ${names.join(', ')}`,
      });
    }
    const version = coreVersion();
    const before = previousStage(rollout, target.name);
    if (!before) {
      throw new UserError(`stage ${target.name} is the first: no stage before it has a gate to hold`, {
        exitCode: ExitCode.invalid,
        hint: `the first stage's pin change is the change itself: commit it (core: "${version}" for its clusters), then promote the next stage`,
      });
    }
    const elsewhere = before.clusters.filter((c) => pinOf(repo.file, c).version !== version);
    if (elsewhere.length > 0) {
      throw new UserError(
        `stage ${before.name} is not on core ${version}: ${elsewhere.map((c) => `${c} is pinned to ${pinOf(repo.file, c).version}`).join(', ')}`,
        {
          exitCode: ExitCode.gateFailed,
          hint: "promote with the core the stage before runs (its gate is read with that core's charts), after that stage has soaked",
        },
      );
    }

    const bounds = {
      probeMs: durationOr(flags['probe-timeout'], 10_000),
      readMs: durationOr(flags['read-timeout'], 120_000),
    };
    const gate = resolveGate(before.gate);
    const soakMs = parseDuration(before.soak ?? '0s') ?? 0;
    const verdicts = await Promise.all(
      before.clusters.map(async (c) =>
        promoteVerdict(await readGate(clusterConfig(config, repo, c), bounds), gate, {
          version,
          soakMs,
          now: Date.now(),
        }),
      ),
    );
    for (const verdict of verdicts)
      logRolloutEvent({ kind: 'gate', stage: before.name, verdict, remainingMs: 0 });
    const failing = verdicts.filter((v) => !v.holds);
    if (failing.length > 0) {
      if (config.output === 'json')
        log.writeData(JSON.stringify({ promoted: false, stage: target.name, gate: verdicts }, null, 2));
      throw new UserError(
        `promote to ${target.name} refused: the gate of stage ${before.name} does not hold: ${failing
          .map((v) => `${v.cluster}: ${v.reasons.map((r) => r.message).join('; ')}`)
          .join(' | ')}`,
        {
          exitCode: ExitCode.gateFailed,
          hint: `nothing was written; fix ${failing.map((v) => v.cluster).join(', ')} (or wait out the soak), then promote again`,
        },
      );
    }

    const file = join(repo.root, repoFileName);
    const { text, moved } = movePins(await readFile(file, 'utf8'), target.clusters, version);
    const message = `promote stage ${target.name} to core ${version}: ${moved.map((m) => `${m.cluster} ${m.from} → ${version}`).join(', ')}\n\nThe gate of stage ${before.name} held (${before.clusters.join(', ')}), soak ${before.soak ?? '0s'}.`;
    let commit: string | undefined;
    if (moved.length > 0 && flags['dry-run'] !== true) {
      await writeFile(file, text);
      const git = simpleGit(repo.root);
      await git.add(repoFileName);
      commit = (await git.commit(message, [repoFileName])).commit || undefined;
    }
    if (config.output === 'json') {
      log.writeData(
        JSON.stringify(
          { promoted: moved.length > 0, stage: target.name, version, moved, commit, gate: verdicts },
          null,
          2,
        ),
      );
    } else if (moved.length === 0)
      log.done(`stage ${target.name} is on core ${version} already: nothing to move`);
    else {
      for (const m of moved) log.info(`${m.cluster}: core ${m.from} → ${version}`);
      log.done(
        flags['dry-run'] === true
          ? `would promote stage ${target.name} (dry run: nothing written)`
          : `promoted stage ${target.name} to core ${version} in commit ${commit}`,
      );
    }
  },
};

function durationOr(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const ms = parseDuration(String(value));
  if (ms === undefined) throw new UserError(`${String(value)} is not a duration`, { hint: 'use 10s or 2m' });
  return ms;
}
