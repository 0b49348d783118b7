// The agent's third boundary, beside helm and the cluster store: one branch of one git remote,
// fetched shallow by the machine's git. The real one spawns git; a recording fake
// (test/helpers/fake-git.ts) drives the loop in unit tests. Credentials come from files (a
// basic-auth Secret mounted as a directory) through a credential helper git runs itself: they are
// never on a command line, in the URL we print or in a log line.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { shutdown } from '../shared/shutdown.js';

export interface Fetched {
  commit: string;
  /** The head seen before is no longer in the branch's history: it was force-pushed. */
  rewritten: boolean;
}

export interface GitRemote {
  /** Where the branch lives, credentials removed (for messages). */
  readonly where: string;
  fetch(): Promise<Fetched>;
  /** A clean working tree at `commit`: the values directory the stages read. */
  checkout(commit: string): Promise<string>;
  /** git verify-commit against the allowed signers: undefined when it verifies, else why not. */
  verify(commit: string): Promise<string | undefined>;
  /**
   * Subject, author and date of a fetched commit, for the page (one `git show -s`); undefined
   * when git cannot say. Optional: a fake that has nothing to tell leaves it out.
   */
  describe?(commit: string): Promise<{ subject: string; author: string; date: string } | undefined>;
}

export interface GitRemoteOptions {
  url: string;
  branch: string;
  /** A writable directory the agent owns (an emptyDir in the cluster). */
  dir: string;
  /** A directory with `password` (or a token) and optionally `username`: a basic-auth Secret. */
  credentialsDir?: string;
  /** An allowed_signers file (ssh-keygen(1)) for --verify-commits. */
  allowedSigners?: string;
  timeoutMs?: number;
}

export class GitError extends Error {
  override name = 'GitError';
}

/** https://user:secret@host/x → https://host/x: what a message may show of a URL. */
export function publicUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//');
  }
}

/**
 * git's credential helper protocol, written as git's own shell helper: reads the files named by
 * an environment variable, so the argv holds a path at most and the secret only flows to git.
 */
export const credentialHelper =
  '!f() { test "$1" = get || exit 0; d="$RUNLEVEL_GIT_CREDENTIALS"; ' +
  'u=git; test -r "$d/username" && u=$(cat "$d/username"); ' +
  'printf "username=%s\\npassword=%s\\n" "$u" "$(cat "$d/password")"; }; f';

export function gitRemote(opts: GitRemoteOptions): GitRemote {
  const repo = join(opts.dir, 'repo');
  const ref = `refs/remotes/origin/${opts.branch}`;
  const env: Record<string, string> = {
    GIT_TERMINAL_PROMPT: '0', // never wait for a person
    GIT_ASKPASS: '', // nor ask one through a program the environment names
    SSH_ASKPASS: '',
    LC_ALL: 'C', // messages we match are git's English ones
    ...(opts.credentialsDir ? { RUNLEVEL_GIT_CREDENTIALS: opts.credentialsDir } : {}),
  };
  // Only our helper: whatever the user's or system's config names is cleared first.
  const config = [
    '-c',
    'credential.helper=',
    ...(opts.credentialsDir ? ['-c', `credential.helper=${credentialHelper}`] : []),
  ];

  const git = async (args: string[], o: { reject?: boolean; cwd?: string } = {}) => {
    const r = await execa('git', [...config, ...args], {
      cwd: o.cwd ?? repo,
      env,
      reject: false,
      timeout: opts.timeoutMs ?? 120_000,
      cancelSignal: shutdown.signal,
    });
    if (r.exitCode !== 0 && o.reject !== false) {
      throw new GitError(`git ${args[0]} failed: ${firstLines(String(r.stderr || r.stdout || r.message))}`);
    }
    return r;
  };

  let previous: string | undefined;
  const open = async () => {
    if (!existsSync(join(repo, '.git'))) {
      await mkdir(repo, { recursive: true });
      await git(['init', '-q'], { cwd: repo });
      await git(['remote', 'add', 'origin', opts.url]);
    } else await git(['remote', 'set-url', 'origin', opts.url]);
    const known = await git(['rev-parse', '-q', '--verify', `${ref}^{commit}`], { reject: false });
    previous = known.exitCode === 0 ? String(known.stdout).trim() : undefined;
  };
  let opened: Promise<void> | undefined;

  return {
    where: `${publicUrl(opts.url)} (branch ${opts.branch})`,
    async fetch() {
      opened ??= open();
      await opened.catch((err) => {
        opened = undefined;
        throw err;
      });
      const refspec = `+refs/heads/${opts.branch}:${ref}`;
      // Shallow: the head alone the first time; after that the commits since the head we had, so
      // a fast-forward can be told from a rewrite without fetching the branch's whole history.
      let depth = ['--depth=1'];
      if (previous) {
        const when = Number(String((await git(['show', '-s', '--format=%ct', previous])).stdout).trim());
        depth = [`--shallow-since=${when - 1}`];
      }
      let r = await git(['fetch', '-q', '--no-tags', ...depth, 'origin', refspec], { reject: false });
      // No commit after that date (a rewrite with older dates): the head alone will do.
      if (r.exitCode !== 0 && previous && /no commits selected|shallow/i.test(String(r.stderr))) {
        r = await git(['fetch', '-q', '--no-tags', '--depth=1', 'origin', refspec], { reject: false });
      }
      if (r.exitCode !== 0) {
        throw new GitError(`fetching ${this.where} failed: ${firstLines(String(r.stderr || r.message))}`);
      }
      const commit = String((await git(['rev-parse', `${ref}^{commit}`])).stdout).trim();
      let rewritten = false;
      if (previous && previous !== commit) {
        const a = await git(['merge-base', '--is-ancestor', previous, commit], { reject: false });
        rewritten = a.exitCode !== 0;
      }
      previous = commit;
      return { commit, rewritten };
    },
    async checkout(commit) {
      await git(['-c', 'advice.detachedHead=false', 'checkout', '-q', '--force', '--detach', commit]);
      await git(['clean', '-q', '-ffdx']);
      return repo;
    },
    async describe(commit) {
      const r = await git(['show', '-s', '--format=%s%x00%an%x00%aI', commit], { reject: false });
      if (r.exitCode !== 0) return undefined;
      const [subject = '', author = '', date = ''] = String(r.stdout).trim().split('\0');
      return { subject, author, date };
    },
    async verify(commit) {
      if (!opts.allowedSigners) return undefined;
      const r = await git(
        ['-c', `gpg.ssh.allowedSignersFile=${opts.allowedSigners}`, 'verify-commit', '--raw', commit],
        { reject: false },
      );
      if (r.exitCode === 0) return undefined;
      const raw = await git(['cat-file', 'commit', commit]);
      if (!/^gpgsig /m.test(String(raw.stdout))) return `commit ${commit.slice(0, 12)} is not signed`;
      return `commit ${commit.slice(0, 12)} is not signed by an allowed signer: ${firstLines(String(r.stderr), 2)}`;
    },
  };
}

function firstLines(text: string, n = 4): string {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(0, n)
    .join('; ');
}
