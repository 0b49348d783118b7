// Every tool runs in a process group of its own (spawned detached), so a terminal's Ctrl-C, which
// the terminal sends to its whole foreground group, reaches runlevel alone: runlevel decides what
// stops and how (the first signal lets a helm upgrade in flight finish, the second tells helm to
// stop). Leaving the terminal's group means nobody else kills our tools for us, so no group may
// outlive runlevel:
// - a stop (ours) goes to the tool's whole group: SIGTERM, then SIGKILL after a grace period;
// - on exit, by any path that runs exit handlers (a third Ctrl-C, an uncaught error), every live
//   group gets SIGTERM at once (the helm engine then cancels what it has in flight, and helm marks
//   those releases failed, rather than leaving them pending);
// - and however runlevel ends, even killed outright (SIGKILL, the OOM killer), a watchdog finishes
//   it: a small bash in a group of its own holds the read end of a pipe only runlevel writes to, is
//   told each group as it starts and ends, and when the kernel closes that pipe (runlevel is gone)
//   sends the groups still listed SIGTERM, then SIGKILL to what is left after the grace period.
import { type ChildProcess, spawn } from 'node:child_process';

/** Spawn options that put the child in a new process group it leads (its pid is the group id). */
export const childGroupOptions = { detached: true } as const;

/** How long a stopped tool has between SIGTERM and SIGKILL: helm marks its release failed in it. */
const graceMs = 10_000;

const live = new Set<number>();
let watchdog: ChildProcess | undefined;
let hooked = false;

// biome-ignore-start lint/suspicious/noTemplateCurlyInString: bash's own ${...}, not a template
const watchdogScript = [
  'declare -A g',
  'while read -r l; do case $l in +*) g[${l#+}]=1 ;; -*) unset "g[${l#-}]" ;; esac; done',
  '[ ${#g[@]} -eq 0 ] && exit 0',
  'for p in "${!g[@]}"; do kill -TERM -- "-$p" 2>/dev/null; done',
  `for i in $(seq ${graceMs / 100}); do`,
  '  left=0; for p in "${!g[@]}"; do kill -0 -- "-$p" 2>/dev/null && left=1; done',
  '  [ $left -eq 0 ] && exit 0; sleep 0.1',
  'done',
  'for p in "${!g[@]}"; do kill -KILL -- "-$p" 2>/dev/null; done',
].join('\n');
// biome-ignore-end lint/suspicious/noTemplateCurlyInString: bash's own ${...}

function tell(line: string): void {
  if (!watchdog) {
    watchdog = spawn('bash', ['-c', watchdogScript], {
      ...childGroupOptions,
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    watchdog.on('error', () => {}); // no bash: the exit handler below still covers orderly exits
    watchdog.stdin?.on('error', () => {});
    watchdog.unref();
    (watchdog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  }
  watchdog.stdin?.write(`${line}\n`);
}

/** Signal a whole group; one already gone is not an error. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is empty
  }
}

/** The groups of tools still running (for tests and the exit handler). */
export function liveGroups(): number[] {
  return [...live];
}

export interface TrackedGroup {
  /** True once `stop` made us signal the group. */
  stopped(): boolean;
  /** The tool's leader has exited: forget the group, and kill what is left of it when it was stopped or timed out. */
  done(sweep: boolean): void;
}

/**
 * Follow a just-spawned tool: stop its group when `stop` aborts, and kill it if runlevel exits
 * first. `pid` undefined means the spawn itself failed (execa reports why).
 */
export function trackGroup(pid: number | undefined, stop: AbortSignal): TrackedGroup {
  if (pid === undefined) return { stopped: () => false, done() {} };
  if (!hooked) {
    hooked = true;
    process.on('exit', () => {
      for (const g of live) signalGroup(g, 'SIGTERM'); // the watchdog sends SIGKILL after the grace
    });
  }
  live.add(pid);
  tell(`+${pid}`);
  let stopped = false;
  let force: NodeJS.Timeout | undefined;
  const onStop = () => {
    stopped = true;
    signalGroup(pid, 'SIGTERM');
    force = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
    force.unref();
  };
  if (stop.aborted) onStop();
  else stop.addEventListener('abort', onStop, { once: true });
  return {
    stopped: () => stopped,
    done(sweep) {
      stop.removeEventListener('abort', onStop);
      clearTimeout(force);
      // Children the tool left behind (helmfile's helm) go with it when it was cut short.
      if (sweep || stopped) signalGroup(pid, 'SIGKILL');
      live.delete(pid);
      tell(`-${pid}`);
    },
  };
}
