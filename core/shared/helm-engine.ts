// The Helm interface served by one long-lived helm-engine process (tools/go/helm-engine): the pinned
// helm SDK started once, so a release costs its render or its API calls, not a helm start-up.
// One JSON request per line on its stdin, one answer per line on its stdout; values travel inside
// the request, never through a file. helm's post-renderer is the request's own function, which the
// engine asks for over the same channel (helm-engine-post-render.ts). The process holds no state the core relies on: started on the
// first request, it keeps the event loop alive only while a request is in flight, ends when the
// core closes its stdin (stop, or the core's own exit), and a crash fails the requests in flight
// as a tool failure; the next request starts a new one.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { ToolError } from './errors.js';
import { childGroupOptions, halt, shortLivedGo, trackGroup, trimStderr } from './exec.js';
import { ExitCode } from './exit-codes.js';
import type { Helm, HelmRelease, PostRender, TemplateRequest, UpgradeRequest } from './helm.js';
import { answerPostRender, type PostRenderQuestion } from './helm-engine-post-render.js';
import { log } from './log.js';
import { coreRoot } from './paths.js';
import { scratchRoot } from './scratch.js';
import { findTool, toolEnv } from './tools.js';

/** What the engine counts: renders and the time inside helm's install action, its CPU and memory. */
export interface EngineStats {
  renders: number;
  renderSeconds: number;
  cpuSeconds: number;
  maxRssBytes: number;
  charts: number;
}

export interface HelmEngine extends Helm {
  stats(): Promise<EngineStats>;
  /** The running engine's process id (none before the first request or after an exit). */
  readonly pid: number | undefined;
  /** Ends the process once what is in flight is answered; killed if it has not ended in `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

interface Answer {
  id: number;
  ok: boolean;
  error?: string;
  manifest?: string;
  revision?: number;
  releases?: HelmRelease[];
  found?: boolean;
  stats?: EngineStats;
}

interface Pending {
  resolve(a: Answer): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
  exitCode: ExitCode;
  postRender?: PostRender;
}

/** How much of the engine's stderr is kept for a crash report. */
const stderrKeep = 16_384;

export function startHelmEngine(opts: { kubeconfig?: string } = {}): HelmEngine {
  let child: ChildProcess | undefined;
  let stderr = '';
  let nextId = 1;
  let buffered = '';
  const pending = new Map<number, Pending>();

  const refs = (on: boolean) => {
    // Idle, the engine must not keep the core alive: the core's exit closes its stdin, which ends it.
    // Every pipe counts: an idle stdin or stderr left referenced kept a test runner (and any
    // caller that never calls stop) alive for ever, the engine waiting on its stdin.
    const c = child;
    if (!c) return;
    type Handle = { ref?: () => void; unref?: () => void } | null;
    const streams = [c.stdin, c.stdout, c.stderr] as unknown as Handle[];
    if (on) {
      c.ref();
      for (const s of streams) s?.ref?.();
    } else {
      c.unref();
      for (const s of streams) s?.unref?.();
    }
  };

  const failAll = (err: Error) => {
    for (const [id, p] of pending) {
      clearTimeout(p.timer);
      pending.delete(id);
      p.reject(err);
    }
  };

  const launch = (): ChildProcess => {
    const bin = findTool('helm-engine');
    if (!bin) {
      throw new ToolError('helm-engine is not installed', {
        hint: 'run `make tools` to build the pinned toolchain',
      });
    }
    const args = opts.kubeconfig ? ['--kubeconfig', opts.kubeconfig] : [];
    log.debug(() => `exec helm-engine ${args.join(' ')}`);
    const c = spawn(bin, args, {
      cwd: coreRoot,
      // An engine that only renders (no cluster) lives for one command (the 50-team render 0.1 s
      // faster); one that talks to a cluster may be the agent's, alive for weeks: Go's default.
      env: {
        ...process.env,
        ...toolEnv(),
        TMPDIR: scratchRoot(),
        ...(opts.kubeconfig ? {} : shortLivedGo),
      },
      stdio: ['pipe', 'pipe', 'pipe'],
      ...childGroupOptions, // a group of its own, as every tool (shared/process-group.ts)
    });
    // Only a second signal stops it (SIGTERM: the releases in flight are cancelled and marked failed).
    const group = trackGroup(c.pid, halt.signal);
    c.on('close', () => group.done(false));
    stderr = '';
    buffered = '';
    c.stdout?.setEncoding('utf8');
    c.stdout?.on('data', (chunk: string) => {
      buffered += chunk;
      let nl = buffered.indexOf('\n');
      while (nl >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        nl = buffered.indexOf('\n');
        if (line.trim() === '') continue;
        const message = JSON.parse(line) as Answer | { postRender: PostRenderQuestion };
        if ('postRender' in message) {
          const q = message.postRender;
          c.stdin?.write(answerPostRender(q, pending.get(q.request)?.postRender));
          continue;
        }
        const answer = message;
        const p = pending.get(answer.id);
        if (!p) continue; // timed out already
        clearTimeout(p.timer);
        pending.delete(answer.id);
        if (pending.size === 0) refs(false);
        p.resolve(answer);
      }
    });
    c.stderr?.setEncoding('utf8');
    c.stderr?.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-stderrKeep);
    });
    c.stdin?.on('error', () => {}); // a crash shows up as the exit below
    const gone = (why: string) => {
      if (child !== c) return;
      child = undefined;
      const detail = trimStderr(stderr);
      failAll(
        new ToolError(`the helm engine ${why}${detail ? `:\n${detail}` : ''}`, {
          exitCode: pendingExitCode(),
          hint: 'a bug in the engine or the machine ran out of memory; the command stopped, nothing more was started',
        }),
      );
    };
    c.on('error', (err) => gone(`could not run (${err.message})`));
    // 'close', not 'exit': the answers still in the pipe are read before what is left fails.
    c.on('close', (code, signal) => gone(signal ? `was killed by ${signal}` : `exited (code ${code})`));
    return c;
  };

  // A crash fails every request with the code of the most severe one in flight (a deploy's).
  const pendingExitCode = () =>
    [...pending.values()].some((p) => p.exitCode === ExitCode.deployFailed)
      ? ExitCode.deployFailed
      : ([...pending.values()][0]?.exitCode ?? ExitCode.unexpected);

  const call = (
    req: Record<string, unknown>,
    timeoutMs: number,
    exitCode: ExitCode,
    postRender?: PostRender,
  ): Promise<Answer> => {
    if (!child) child = launch();
    const c = child;
    const id = nextId++;
    return new Promise<Answer>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        if (pending.size === 0) refs(false);
        reject(
          new ToolError(`helm ${String(req.op)} ${String(req.name ?? '')} timed out`.trim(), { exitCode }),
        );
      }, timeoutMs);
      pending.set(id, { resolve, reject, timer, exitCode, ...(postRender ? { postRender } : {}) });
      refs(true);
      c.stdin?.write(`${JSON.stringify({ id, ...req, postRender: postRender !== undefined })}\n`);
    });
  };

  const failure = (verb: string, name: string, a: Answer) =>
    new ToolError(`helm ${verb} ${name} failed: ${trimStderr(a.error ?? '') || 'no reason given'}`, {
      exitCode: ExitCode.deployFailed,
    });

  return {
    get pid() {
      return child?.pid;
    },

    async template(rel: TemplateRequest) {
      const a = await call(
        {
          op: 'template',
          name: rel.name,
          namespace: rel.namespace,
          chart: rel.chartDir,
          values: rel.values,
          kubeVersion: rel.capabilities?.kubeVersion,
          apiVersions: rel.capabilities?.apiVersions ?? [],
        },
        120_000,
        ExitCode.renderFailed,
        rel.postRender,
      );
      return a.ok ? { ok: true, manifest: a.manifest ?? '' } : { ok: false, stderr: a.error ?? '' };
    },

    async upgrade(release: UpgradeRequest, timeoutMs: number) {
      const a = await call(
        {
          op: 'upgrade',
          name: release.name,
          namespace: release.namespace,
          chart: join(coreRoot, release.chartPath),
          values: release.values,
          timeoutSeconds: Math.ceil(timeoutMs / 1000),
        },
        // helm's own --timeout bounds the waits inside; this only catches an engine that hangs.
        timeoutMs + 60_000,
        ExitCode.deployFailed,
        release.postRender,
      );
      if (!a.ok) throw failure('upgrade', release.name, a);
      return a.revision ?? 0;
    },

    async rollback(name, namespace, revision) {
      const a = await call({ op: 'rollback', name, namespace, revision }, 180_000, ExitCode.deployFailed);
      if (!a.ok) throw failure('rollback', name, a);
    },

    async uninstall(name, namespace) {
      const a = await call({ op: 'uninstall', name, namespace }, 360_000, ExitCode.deployFailed);
      if (!a.ok) throw failure('uninstall', name, a);
    },

    async list() {
      const a = await call({ op: 'list' }, 60_000, ExitCode.deployFailed);
      if (!a.ok)
        throw new ToolError(`helm list failed: ${trimStderr(a.error ?? '')}`, {
          exitCode: ExitCode.deployFailed,
        });
      return a.releases ?? [];
    },

    async getManifest(name, namespace) {
      const a = await call({ op: 'get', name, namespace }, 60_000, ExitCode.deployFailed);
      if (!a.ok) throw failure('get manifest', name, a);
      return a.found ? (a.manifest ?? '') : undefined;
    },

    async stats() {
      const a = await call({ op: 'stats' }, 10_000, ExitCode.unexpected);
      return a.stats as EngineStats;
    },

    async stop(graceMs = 10_000) {
      const c = child;
      if (!c) return;
      refs(true);
      const exited = new Promise<void>((resolve) => c.once('close', () => resolve()));
      c.stdin?.end();
      const timer = setTimeout(() => c.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

const engines = new Map<string, HelmEngine>();

/**
 * The command's helm: one engine per kubeconfig for the whole process, shared by render and deploy
 * (and by the agent's passes).
 */
export function sharedHelmEngine(opts: { kubeconfig?: string } = {}): HelmEngine {
  const key = opts.kubeconfig ?? '';
  let e = engines.get(key);
  if (!e) {
    e = startHelmEngine(opts);
    engines.set(key, e);
  }
  return e;
}

/** The engine a render uses when none is given: any the command already started, else a new one. */
export function anyHelmEngine(): HelmEngine {
  return engines.values().next().value ?? sharedHelmEngine();
}
