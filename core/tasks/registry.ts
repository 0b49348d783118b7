// The closed set of lifecycle tasks, looked up by the name a runlevel header or `runlevel task`
// gives, and the one way to run a task: its timeout, the shared abort signal, retries with backoff.
import { editDistance } from '../shared/edit-distance.js';
import { UserError } from '../shared/errors.js';
import { ExitCode } from '../shared/exit-codes.js';
import { isTransient, shortError, withRetry } from '../shared/kube.js';
import { log } from '../shared/log.js';
import { copyPlatformCa } from './copy-platform-ca.js';
import { copyPullSecret } from './copy-pull-secret.js';
import { labelPolicyExceptions } from './label-policy-exceptions.js';
import { teamCredentials } from './team-credentials.js';
import type { Task, TaskContext, TaskResult } from './types.js';
import { waitCrds } from './wait-crds.js';

export const tasks: Readonly<Record<string, Task>> = Object.freeze(
  Object.fromEntries(
    [waitCrds, copyPlatformCa, copyPullSecret, teamCredentials, labelPolicyExceptions].map((t) => [
      t.name,
      t,
    ]),
  ),
);

export const defaultTimeoutMs = 60_000;
export const defaultAttempts = 3;

export function listTasks(): Task[] {
  return Object.values(tasks);
}

export function getTask(name: string): Task {
  const task = tasks[name];
  if (task) return task;
  const known = Object.keys(tasks);
  const close = known.filter((k) => editDistance(k, name) <= 3 || k.includes(name) || name.includes(k));
  throw new UserError(
    `unknown task "${name}"${close.length > 0 ? `; did you mean ${close.join(' or ')}?` : ''}`,
    {
      hint: `known tasks: ${known.join(', ')} (runlevel task --list)`,
    },
  );
}

/** One entry of a runlevel header list, e.g. `wait-crds(a.example.com,b.example.com)`. */
export interface TaskCall {
  name: string;
  args: string[];
}

/**
 * Parses a header setting such as `before=wait-crds(a.example.com),copy-platform-ca` (the part after
 * `=`). Commas inside parentheses separate arguments; names are checked with getTask.
 */
export function parseTaskList(setting: string): TaskCall[] {
  const calls: TaskCall[] = [];
  const entry = /([a-z0-9-]+)(?:\(([^()]*)\))?(?:,|$)/y;
  let at = 0;
  while (at < setting.length) {
    entry.lastIndex = at;
    const m = entry.exec(setting);
    if (!m?.[1]) {
      throw new UserError(`cannot read the task list "${setting}" at "${setting.slice(at)}"`, {
        hint: 'write task names separated by commas, arguments in parentheses: before=wait-crds(a.example.com),copy-platform-ca',
      });
    }
    getTask(m[1]);
    const args = (m[2] ?? '')
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean);
    calls.push({ name: m[1], args });
    at = entry.lastIndex;
  }
  return calls;
}

export interface RunTaskOptions {
  /** Per attempt; default: the task's timeoutMs, else 60 s. */
  timeoutMs?: number;
  /** Total tries; default: the task's attempts, else 3. */
  attempts?: number;
  /** First pause between attempts, doubled after each; default 1 s (at most 8 s). */
  backoffMs?: number;
  /** How long a timed-out task may take to fail with its own, more precise error; default 1 s. */
  graceMs?: number;
}

/**
 * Runs a task: each attempt under AbortSignal.timeout combined with ctx.signal; transient failures
 * (API unreachable, 429, 5xx) are retried with exponential backoff; anything else, including a
 * timeout, fails at once. Failure is a UserError (exit 5) naming the task and its last error;
 * an abort of ctx.signal (SIGINT/SIGTERM) rethrows the signal's reason.
 */
export async function runTask(task: Task, ctx: TaskContext, opts: RunTaskOptions = {}): Promise<TaskResult> {
  const attempts = Math.max(1, opts.attempts ?? task.attempts ?? defaultAttempts);
  const timeoutMs = opts.timeoutMs ?? task.timeoutMs ?? defaultTimeoutMs;
  let tries = 0;
  let last: unknown;
  try {
    return await withRetry(
      `task ${task.name}`,
      async () => {
        tries++;
        try {
          return await runOnce(task, ctx, timeoutMs, opts.graceMs ?? 1_000);
        } catch (err) {
          last = err;
          if (isTransient(err) && tries < attempts && !ctx.signal.aborted)
            log.warn(`task ${task.name}: ${shortError(err)}; retry ${tries}/${attempts - 1}`);
          throw err;
        }
      },
      { attempts, baseMs: opts.backoffMs ?? 1_000, maxMs: 8_000, signal: ctx.signal },
    );
  } catch (err) {
    if (ctx.signal.aborted) throw abortReason(ctx.signal);
    throw taskFailed(task, last ?? err, tries);
  }
}

class TaskTimeout extends Error {
  constructor(ms: number) {
    super(`timed out after ${formatMs(ms)}`);
    this.name = 'TaskTimeout';
  }
}

async function runOnce(
  task: Task,
  ctx: TaskContext,
  timeoutMs: number,
  graceMs: number,
): Promise<TaskResult> {
  ctx.signal.throwIfAborted();
  // Like AbortSignal.timeout, but a timer that keeps the process alive: a task stuck on a promise
  // that holds no handle must still time out instead of letting Node exit mid-deploy.
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new TaskTimeout(timeoutMs)), timeoutMs);
  const signal = AbortSignal.any([ctx.signal, timeout.signal]);
  const running = task.run({ ...ctx, signal });
  let grace: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  // The task should stop on its own once the signal aborts; a task stuck in a call that ignores the
  // signal is abandoned after the grace period so the timeout always holds.
  const stopped = new Promise<never>((_, reject) => {
    onAbort = () => {
      grace = setTimeout(() => reject(stopReason(ctx, timeoutMs)), graceMs);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([running, stopped]);
  } catch (err) {
    // An interrupt wins over whatever the task made of it; a timeout keeps the task's own words
    // when it gave some (wait-crds names the CRDs still pending), else says it timed out.
    if (ctx.signal.aborted) throw abortReason(ctx.signal);
    if (signal.aborted && !(err instanceof UserError)) throw new TaskTimeout(timeoutMs);
    throw err;
  } finally {
    clearTimeout(timer);
    clearTimeout(grace);
    if (onAbort) signal.removeEventListener('abort', onAbort);
    running.catch(() => {}); // an abandoned task may still reject later
  }
}

function stopReason(ctx: TaskContext, timeoutMs: number): Error {
  return ctx.signal.aborted ? abortReason(ctx.signal) : new TaskTimeout(timeoutMs);
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason ?? 'aborted'));
}

function taskFailed(task: Task, err: unknown, tries: number): UserError {
  const what = err instanceof UserError ? err.message : shortError(err);
  const after = tries > 1 ? ` after ${tries} attempts` : '';
  const hint =
    err instanceof UserError && err.hint
      ? err.hint
      : isTransient(err)
        ? 'check that the API server is up (runlevel cluster status) and re-run'
        : err instanceof TaskTimeout
          ? 'the cluster is slow or stuck; re-run, or look at what the task waits for'
          : undefined;
  return new UserError(`task ${task.name} failed${after}: ${what}`, {
    exitCode: ExitCode.deployFailed,
    problems: err instanceof UserError ? err.problems : [],
    ...(hint ? { hint } : {}),
  });
}

function formatMs(ms: number): string {
  return ms >= 1_000 ? `${Math.round(ms / 100) / 10}s` : `${ms}ms`;
}
