// --write commits the rehearsed change alone: a values repo with uncommitted changes of its own in
// the files an upgrade may write is refused before anything is read or run.
import { join, relative } from 'node:path';
import { simpleGit } from 'simple-git';
import { UserError } from '../shared/errors.js';
import { ExitCode } from '../shared/exit-codes.js';
import { workTreeOf } from '../shared/work-tree.js';

export async function refuseDirtyRepo(root: string): Promise<void> {
  const top = await workTreeOf(root);
  if (!top) return;
  const inRepo = relative(top, root);
  const status = await simpleGit({ baseDir: top }).status();
  const dirty = status.files
    .map((f) => f.path)
    .filter((p) => inRepo === '' || p === inRepo || p.startsWith(`${inRepo}/`))
    .map((p) => relative(root, join(top, p)));
  if (dirty.length === 0) return;
  throw new UserError(
    `the values repo has uncommitted changes (${dirty.slice(0, 5).join(', ')}${dirty.length > 5 ? ', …' : ''}): nothing was run or written`,
    {
      exitCode: ExitCode.invalid,
      hint: 'commit or stash them first, so the upgrade commit holds the pin move and the migration alone (without --write the rehearsal runs on a dirty tree)',
    },
  );
}
