// git init, the pre-commit hook wired through core.hooksPath, and the first commit (simple-git).
import { simpleGit } from 'simple-git';

export async function commitAll(dir: string, message: string): Promise<string> {
  const probe = simpleGit({ baseDir: dir });
  await probe.init(['--initial-branch=main']);
  // Commit with the user's identity when git has one; otherwise a neutral one for this commit only.
  const email = (await probe.getConfig('user.email')).value;
  const name = (await probe.getConfig('user.name')).value;
  const identity = email && name ? [] : ['user.name=runlevel init', 'user.email=runlevel-init@localhost'];
  // simple-git refuses core.hooksPath unless asked: here it is our own committed .githooks/.
  const git = simpleGit({ baseDir: dir, config: identity, unsafe: { allowUnsafeHooksPath: true } });
  await git.addConfig('core.hooksPath', '.githooks');
  await git.add('.');
  // The values were just validated in-process; the hook would only repeat that.
  const result = await git.commit(message, undefined, { '--no-verify': null });
  return result.commit;
}
