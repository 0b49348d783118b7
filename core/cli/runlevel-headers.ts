// The `# runlevel:` header of each runlevel file, checked before anything runs: a timeout the deploy
// engine cannot read was silently its default, and an unknown task failed only mid-deploy, after
// the runlevels before it were already applied. Checked by `validate` and at the start of `deploy`.
// It lives in cli because it joins three stages' knowledge: render lists the files, deploy reads
// the durations, tasks knows the task names.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseDuration } from '../deploy/plan.js';
import { headerEntries, listRunlevels, type RunlevelFile } from '../render/runlevels.js';
import { closest } from '../shared/edit-distance.js';
import { type Problem, UserError } from '../shared/errors.js';
import { ExitCode } from '../shared/exit-codes.js';
import { coreRoot } from '../shared/paths.js';
import { codeFrame } from '../shared/source.js';
import { taskListNames, taskNames } from '../tasks/names.js';

const keys = ['timeout', 'before', 'after', 'tasks'];

export function runlevelHeaderProblems(runlevels: readonly RunlevelFile[]): Problem[] {
  const problems: Problem[] = [];
  for (const rl of runlevels) {
    const text = readFileSync(rl.file, 'utf8');
    const file = relative(coreRoot, rl.file);
    const at = (line: number, col: number, message: string, hint?: string) =>
      problems.push({ message, where: { file, line, col }, frame: codeFrame(text, line, col, 1), hint });
    for (const e of headerEntries(text)) {
      if (!keys.includes(e.key)) {
        const guess = closest(e.key, keys);
        at(
          e.line,
          e.col - (e.key ? e.key.length + 1 : 0),
          e.key ? `unknown runlevel setting "${e.key}"` : `"${e.value}" is not a key=value setting`,
          guess ? `did you mean "${guess}"?` : `settings: ${keys.join(', ')}`,
        );
      } else if (e.key === 'timeout') {
        if (parseDuration(e.value) === undefined)
          at(e.line, e.col, `timeout "${e.value}" is not a duration`, 'write it as 300s, 5m or 1h30m');
      } else {
        const list = taskListNames(e.value);
        if ('unreadable' in list) {
          at(
            e.line,
            e.col,
            `${e.key}: cannot read the task list at "${list.unreadable}"`,
            'write task names separated by commas, arguments in parentheses: before=wait-crds(a.example.com),copy-platform-ca',
          );
        }
        for (const name of 'names' in list ? list.names : []) {
          if ((taskNames as readonly string[]).includes(name)) continue;
          const guess = closest(name, [...taskNames]);
          at(
            e.line,
            e.col + e.value.indexOf(name),
            `${e.key}: unknown task "${name}"`,
            guess ? `did you mean "${guess}"?` : `known tasks: ${taskNames.join(', ')}`,
          );
        }
      }
    }
  }
  return problems;
}

/** Throws when a runlevel header is wrong: the core's runlevel files are at fault, as for a render error (exit 3). */
export function checkRunlevelHeaders(runlevels: readonly RunlevelFile[] = listRunlevels()): void {
  const problems = runlevelHeaderProblems(runlevels);
  if (problems.length === 0) return;
  throw new UserError(`runlevel file headers are invalid (${problems.length})`, {
    exitCode: ExitCode.renderFailed,
    problems,
  });
}
