// runlevel sync's flags, read and checked before anything starts (all mistakes at once), and the
// hook secret it reads from a file: what the command's run needs as one resolved object.
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseDuration } from '../deploy/plan.js';
import { UserError } from '../shared/errors.js';
import { publicUrl } from '../sync/git.js';
import { parseListen } from '../sync/server.js';
import type { DriftMode } from '../sync/states.js';
import type { Flags } from './command.js';

export interface SyncOptions {
  repo: string;
  branch: string;
  intervalMs: number;
  intervalText: string;
  drift: DriftMode;
  listen: { host: string; port: number };
  verifyCommits?: string;
  credentials?: string;
  hookSecretFile?: string;
  workDir: string;
  backoffMaxMs: number;
  once: boolean;
}

/** Every flag checked before anything starts; all mistakes at once. */
export function syncOptions(flags: Flags): SyncOptions {
  const problems: { message: string }[] = [];
  const str = (k: string) => (typeof flags[k] === 'string' ? (flags[k] as string) : undefined);
  const repo = str('repo');
  if (!repo) problems.push({ message: '--repo URL is required (RUNLEVEL_SYNC_REPO)' });
  else if (/^[a-z]+:\/\/[^/@]*:[^/@]*@/i.test(repo)) {
    problems.push({
      message: `--repo ${publicUrl(repo)} carries a password in the URL`,
    });
  }
  const duration = (k: string, fallback: string) => {
    const text = str(k) ?? fallback;
    const ms = parseDuration(text);
    if (ms === undefined || ms <= 0)
      problems.push({ message: `--${k} ${text} is not a duration (90s, 5m, 1h)` });
    return { ms: ms ?? 0, text };
  };
  const interval = duration('interval', '1m');
  const backoffMax = duration('backoff-max', '5m');
  const drift = str('drift') ?? 'warn';
  if (drift !== 'warn' && drift !== 'correct')
    problems.push({ message: `--drift ${drift} is not warn or correct` });
  const listenText = str('listen') ?? '127.0.0.1:8080';
  const listen = parseListen(listenText);
  if (!listen) problems.push({ message: `--listen ${listenText} is not host:port` });
  if (problems.length > 0) {
    throw new UserError('sync cannot start', {
      problems,
      hint: 'a token goes in a file named by --git-credentials (a basic-auth Secret), never in the URL; see `runlevel sync --help`',
    });
  }
  const path = (k: string) => (str(k) ? resolve(str(k) as string) : undefined);
  return {
    repo: repo as string,
    branch: str('branch') ?? 'main',
    intervalMs: interval.ms,
    intervalText: interval.text,
    drift: drift as DriftMode,
    listen: listen as { host: string; port: number },
    verifyCommits: path('verify-commits'),
    credentials: path('git-credentials'),
    hookSecretFile: path('hook-secret-file'),
    workDir: path('work-dir') ?? join(tmpdir(), 'runlevel-sync'),
    backoffMaxMs: backoffMax.ms,
    once: flags.once === true,
  };
}

export function readHookSecret(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new UserError(
      `cannot read the hook secret ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
      {
        hint: 'mount the Secret holding it there, or leave --hook-secret-file out (hooks are then refused)',
      },
    );
  }
}
