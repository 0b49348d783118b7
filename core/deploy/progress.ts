// Deploy progress as typed events: the logger renders them as lines for people (TTY or CI) or
// as a JSON stream (-o json). The summary table closes every deploy.
import { log } from '../shared/log.js';
import { formatTable } from '../shared/table.js';
import type { PlannedRelease } from './plan.js';
import type { ReleaseAction } from './record.js';
import { systemNamespace } from './system-namespace.js';

export interface Progress {
  runlevelStart(name: string, changes: number, total: number): void;
  runlevelDone(name: string, seconds: number): void;
  releaseStart(p: PlannedRelease): void;
  release(p: PlannedRelease, action: ReleaseAction, seconds: number, error?: string): void;
  waiting(runlevel: string, objects: number): void;
  task(name: string, phase: 'before' | 'after', state: 'start' | 'done' | 'failed', detail?: string): void;
  prune(name: string, namespace: string, state: 'start' | 'done' | 'failed', detail?: string): void;
}

const actionMark: Record<ReleaseAction, 'done' | 'info' | 'fail' | 'warn'> = {
  installed: 'done',
  upgraded: 'done',
  repaired: 'done',
  unchanged: 'info',
  pruned: 'done',
  failed: 'fail',
  'rolled-back': 'warn',
  skipped: 'warn',
};

/** `cluster`: several clusters deploy at once (rollout): each line and event names its cluster. */
export function logProgress(cluster?: string): Progress {
  const ev = (
    kind: string,
    mark: Parameters<typeof log.event>[0]['mark'],
    message: string,
    data: Record<string, unknown>,
  ) =>
    log.event(
      cluster === undefined
        ? { kind, mark, message, data }
        : { kind, mark, message: `${cluster}: ${message.trimStart()}`, data: { cluster, ...data } },
    );
  return {
    runlevelStart: (name, changes, total) =>
      ev('runlevel', 'start', `runlevel ${name}: ${changes} of ${total} releases to apply`, {
        runlevel: name,
        state: 'start',
        changes,
        total,
      }),
    runlevelDone: (name, seconds) =>
      ev('runlevel', 'done', `runlevel ${name} ready (${seconds.toFixed(1)}s)`, {
        runlevel: name,
        state: 'done',
        seconds,
      }),
    releaseStart: (p) =>
      log.outputFormat === 'json'
        ? ev('release', 'start', `${p.release.name}: ${p.action}`, {
            release: p.release.name,
            state: 'start',
            action: p.action,
          })
        : log.debug(() => `${p.release.name}: ${p.action} (${p.reason})`),
    release: (p, action, seconds, error) =>
      ev(
        'release',
        actionMark[action],
        `  ${p.release.name} ${action}${action === 'unchanged' ? '' : ` (${seconds.toFixed(1)}s)`}${error ? `: ${error}` : ''}`,
        {
          release: p.release.name,
          namespace: p.release.namespace,
          runlevel: p.release.runlevel,
          action,
          seconds,
          error,
        },
      ),
    waiting: (runlevel, objects) =>
      ev('runlevel', 'waiting', `  waiting for ${objects} objects of ${runlevel} to be ready`, {
        runlevel,
        state: 'waiting',
        objects,
      }),
    task: (name, phase, state, detail) =>
      ev(
        'task',
        state === 'start' ? 'start' : state === 'done' ? 'done' : 'fail',
        `  task ${name} (${phase})${detail ? `: ${detail}` : ''}`,
        {
          task: name,
          phase,
          state,
          detail,
        },
      ),
    prune: (name, namespace, state, detail) =>
      ev(
        'prune',
        state === 'start' ? 'start' : state === 'done' ? 'done' : 'fail',
        `  ${name} ${state === 'done' ? 'pruned' : state === 'start' ? 'pruning' : `prune failed: ${detail}`}`,
        {
          release: name,
          namespace,
          state,
        },
      ),
  };
}

export interface DestroyProgress {
  runlevelStart(runlevel: string, releases: number): void;
  runlevelDone(runlevel: string, seconds: number): void;
  /** A release uninstalled, or failed with `error`. */
  release(r: { runlevel: string; name: string; namespace: string }, seconds: number, error?: string): void;
  namespace(state: 'start' | 'done', seconds?: number): void;
}

export function logDestroyProgress(): DestroyProgress {
  return {
    runlevelStart: (runlevel, releases) =>
      log.event({
        kind: 'runlevel',
        mark: 'start',
        message: `runlevel ${runlevel}: uninstalling ${releases} release${releases === 1 ? '' : 's'}`,
        data: { runlevel, state: 'start', releases },
      }),
    runlevelDone: (runlevel, seconds) =>
      log.event({
        kind: 'runlevel',
        mark: 'done',
        message: `runlevel ${runlevel} removed (${seconds.toFixed(1)}s)`,
        data: { runlevel, state: 'done', seconds },
      }),
    release: (r, seconds, error) => {
      const data = { release: r.name, namespace: r.namespace, runlevel: r.runlevel, seconds };
      if (error === undefined) {
        log.event({
          kind: 'release',
          mark: 'done',
          message: `  ${r.name} uninstalled (${seconds.toFixed(1)}s)`,
          data: { ...data, action: 'uninstalled' },
        });
      } else {
        log.event({
          kind: 'release',
          mark: 'fail',
          message: `  ${r.name} failed: ${error}`,
          data: { ...data, action: 'failed', error },
        });
      }
    },
    namespace: (state, seconds = 0) =>
      state === 'start'
        ? log.start(`deleting namespace ${systemNamespace} (lock and deploy record)`)
        : log.done(`${systemNamespace} deleted (${seconds.toFixed(1)}s)`),
  };
}

/** Past this many rows, unchanged releases are counted in the total line instead of listed. */
export const summaryListsUnchangedUpTo = 40;

export function summaryTable(
  rows: { name: string; runlevel: string; action: string; seconds: number }[],
  totalSeconds: number,
  opts: { all?: boolean } = {},
): string {
  const listed =
    opts.all || rows.length <= summaryListsUnchangedUpTo
      ? rows
      : rows.filter((r) => r.action !== 'unchanged');
  const lines = formatTable(
    [
      ['RELEASE', 'RUNLEVEL', 'ACTION', 'DURATION'],
      ...listed.map((r) => [r.name, r.runlevel, r.action, `${r.seconds.toFixed(1)}s`]),
    ],
    '  ',
  );
  if (listed.length < rows.length)
    lines.push(`… ${rows.length - listed.length} unchanged releases not listed (-v lists them)`);
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.action, (counts.get(r.action) ?? 0) + 1);
  const tally = [...counts].map(([a, n]) => `${n} ${a}`).join(', ');
  lines.push(`total ${totalSeconds.toFixed(1)}s: ${tally || 'nothing to do'}`);
  return lines.join('\n');
}
