// The one way we spawn processes: argv arrays, a timeout, the shared stop signals, each tool in a
// process group of its own, and execa's error fields translated once into our own error with
// stderr trimmed to what matters.
import { performance } from 'node:perf_hooks';
import { execa, type Options, type Result } from 'execa';
import { ToolError } from './errors.js';
import { ExitCode } from './exit-codes.js';
import { log } from './log.js';
import { childGroupOptions, trackGroup } from './process-group.js';
import { scratchRoot } from './scratch.js';
import { halt, shutdown } from './shutdown.js';
import { findTool, type ToolName, toolEnv } from './tools.js';

export { childGroupOptions, trackGroup } from './process-group.js';
export { halt, shutdown } from './shutdown.js';

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>; // undefined removes a variable of ours from the child
  input?: string;
  timeoutMs?: number;
  exitCode?: ExitCode; // exit code of the ToolError raised when the tool fails
  /** Allow a non-zero exit: the caller inspects the result. */
  reject?: boolean;
  /**
   * Let it finish on the first SIGINT/SIGTERM (a helm upgrade in flight is finished, not torn);
   * only the second one stops it (helm then marks its release failed).
   */
  uninterruptible?: boolean;
  /**
   * The tool opens /dev/stdin by name (helmfile's --state-values-file), which works on a pipe
   * only, and Node hands a child a socket: bash puts a pipe in between and execs the tool.
   */
  stdinAsPipe?: boolean;
}

export type RunResult = Result<{ reject: false }>;

/**
 * The environment of a Go process that lives for one short job (helmfile's plan, a helm engine that
 * only renders): Go's collector at its default (GOGC=100) runs many times over a heap that is freed
 * at exit anyway. At 400 the plan of 50 teams takes 0.55 s instead of 0.8 s, 240 MB resident
 * instead of 160 MB (docs/benchmarks.md, render).
 */
export const shortLivedGo = { GOGC: '400' } as const;

export async function run(tool: Exclude<ToolName, 'helm-diff'>, args: string[], opts: RunOptions = {}) {
  const bin = findTool(tool);
  if (!bin) {
    throw new ToolError(`${tool} is not installed`, {
      hint: 'run `make tools` to build the pinned toolchain',
    });
  }
  log.debug(() => `exec ${tool} ${args.map(quote).join(' ')}`);
  const options: Options = {
    cwd: opts.cwd,
    // Whatever temporary files a tool makes (helmfile's download directory) land in our private
    // per-process directory, removed on exit and swept after a kill.
    env: { ...toolEnv(), TMPDIR: scratchRoot(), ...opts.env },
    input: opts.input,
    timeout: opts.timeoutMs ?? 10 * 60_000,
    reject: false,
    stripFinalNewline: false,
    ...childGroupOptions,
  };
  const subprocess = opts.stdinAsPipe
    ? execa('bash', ['-c', 'exec "$0" "$@" < <(exec cat)', bin, ...args], options)
    : execa(bin, args, options);
  // The first signal stops what may be stopped; the second stops everything (helm included).
  const group = trackGroup(subprocess.pid, opts.uninterruptible ? halt.signal : shutdown.signal);
  let result: RunResult | undefined;
  const started = performance.now();
  try {
    result = (await subprocess) as RunResult;
  } finally {
    group.done(result?.timedOut === true || result === undefined);
  }
  // --verbose: each tool's own time beside the ⏱ marks, so a command's breakdown reads off one run.
  log.debug(() => `exec ${tool} took ${((performance.now() - started) / 1000).toFixed(2)}s`);
  if (result.failed && group.stopped()) Object.assign(result, { isCanceled: true });
  if (result.failed && opts.reject !== false) {
    throw new ToolError(describeFailure(tool, args, result), {
      exitCode: opts.exitCode ?? ExitCode.unexpected,
    });
  }
  return result;
}

function describeFailure(tool: string, args: string[], r: RunResult): string {
  const what = `${tool} ${args[0] ?? ''}`.trim();
  if (r.timedOut) return `${what} timed out`;
  if (r.isCanceled) return `${what} was cancelled`;
  const stderr = trimStderr(String(r.stderr ?? ''));
  return `${what} failed (exit ${r.exitCode ?? r.signal})${stderr ? `:\n${stderr}` : ''}`;
}

/**
 * Keep the lines a person needs: noise (usage banners, flag lists, `Use --debug`, kubeconfig
 * permission warnings) goes, the cause stays. A short error is kept whole: helm's `1 error
 * occurred:` puts the cause on the indented `* …` lines below it, which name no "error". A long
 * one keeps the blocks (a line and the indented lines under it) that say something failed.
 */
export function trimStderr(stderr: string, max = 16): string {
  const lines = stderr
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '' && !noise.test(l));
  if (lines.length <= max) return lines.join('\n');
  const blocks: string[][] = [];
  for (const line of lines) {
    const continues = /^(\s|\*)/.test(line) && blocks.length > 0;
    if (continues) blocks[blocks.length - 1]?.push(line);
    else blocks.push([line]);
  }
  const important = blocks.filter((b) => b.some((l) => cause.test(l)));
  return (important.length > 0 ? important : blocks).flat().slice(-max).join('\n');
}

const noise =
  /^(Usage:|Flags:|Global Flags:|Use --debug flag|Use "\S+ \[command\] --help"|WARNING: Kubernetes configuration file is (group|world)-readable)|^\s+-{1,2}\w[\w-]*(,|\s|$)/;
const cause =
  /error|failed|invalid|not found|denied|refused|forbidden|exceeded|too large|timed out|unable|cannot|incompatible/i;

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
}
