// Where a directory's git work tree starts: the values repo may be a sub-directory of one, and the
// checks and commits that concern the repo concern that work tree.
import { realpathSync } from 'node:fs';
import { simpleGit } from 'simple-git';

/** The work tree holding `dir` (its real path), or undefined when it is not in one (or git is missing). */
export async function workTreeOf(dir: string): Promise<string | undefined> {
  try {
    const git = simpleGit({ baseDir: dir });
    if (!(await git.checkIsRepo())) return undefined;
    return realpathSync((await git.revparse(['--show-toplevel'])).trim());
  } catch {
    return undefined;
  }
}
