import type { Problem } from '../../shared/errors.js';
import { UserError } from '../../shared/errors.js';
import { ExitCode } from '../../shared/exit-codes.js';
import { log } from '../../shared/log.js';
import { ValuesRepo } from '../../values/index.js';
import { plaintextInRepo } from '../../values/plaintext.js';
import { plural, sortProblems } from '../../values/problems.js';
import type { Command } from '../command.js';
import { otherPins, validateOtherPins } from '../other-pins.js';
import { checkRunlevelHeaders } from '../runlevel-headers.js';

export const command: Command = {
  summary: 'merge and validate the values of one cluster, or of every cluster in runlevel.yaml',
  usage: 'runlevel validate [--cluster C] [--values DIR] [--strict] [-o json]',
  options: {
    strict: {
      type: 'boolean',
      env: 'RUNLEVEL_VALIDATE_STRICT',
      help: 'warnings (a layer directory that does not exist) are errors too',
    },
  },
  async run({ config, flags }) {
    checkRunlevelHeaders(); // the core's own runlevel files: a header the deploy would trip over later
    const repo = await ValuesRepo.open(config.valuesDir, config.ageKeyFile, {
      strict: flags.strict === true,
    });
    // Mixed pins: without --cluster, each cluster is validated by the core it pins (other-pins.ts).
    const elsewhere = config.cluster ? [] : await otherPins(config.valuesDir);
    const skip = new Set(elsewhere.map((p) => p.cluster));
    const clusters = config.cluster ? [config.cluster] : repo.clusters.filter((c) => !skip.has(c));
    const problems: Problem[] = [];
    const failed: string[] = [];
    const report: {
      cluster: string;
      valid: boolean;
      teams?: number;
      apps?: number;
      files?: number;
      core?: string;
      by?: string;
    }[] = [];
    for (const cluster of clusters) {
      try {
        const r = await repo.resolve(cluster);
        const teams = Object.keys(r.values.teams).length;
        const apps = Object.keys(r.values.apps).length;
        report.push({ cluster, valid: true, teams, apps, files: r.files.length });
        log.done(
          `${cluster}: values valid (${plural(teams, 'team')}, ${plural(apps, 'app')}, ${plural(r.files.length, 'file')})`,
        );
      } catch (err) {
        if (!(err instanceof UserError) || clusters.length === 1) throw err;
        failed.push(cluster);
        report.push({ cluster, valid: false });
        problems.push(
          ...(err.problems.length > 0 ? err.problems : [{ message: err.message, hint: err.hint }]),
        );
      }
    }
    for (const other of await validateOtherPins(config.valuesDir, elsewhere)) {
      report.push({
        cluster: other.cluster,
        valid: other.outcome !== 'invalid',
        core: other.core,
        by: other.outcome,
      });
      if (other.outcome === 'invalid') failed.push(other.cluster);
    }
    if (config.output === 'json') log.writeData(JSON.stringify({ clusters: report }, null, 2));
    // What git would commit besides the values: a render, a Secret manifest, a decrypted copy.
    const plaintext = await plaintextInRepo(config.valuesDir);
    if (plaintext.length > 0) {
      throw new UserError(
        `the values repo holds ${plural(plaintext.length, 'file')} with secrets in plain text that git would commit`,
        { exitCode: ExitCode.invalid, problems: sortProblems([...problems, ...plaintext]) },
      );
    }
    if (failed.length === 0) return ExitCode.ok;
    const unique = sortProblems(problems);
    throw new UserError(`values are invalid for ${failed.join(', ')} (${plural(unique.length, 'problem')})`, {
      exitCode: ExitCode.invalid,
      problems: unique,
    });
  },
};
