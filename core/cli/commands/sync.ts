// runlevel sync: the pull-based agent. One cluster follows one branch of the values repo: every
// interval (or at once on a signed hook) it fetches the head, skips a commit that does not change
// this cluster's inputs, deploys one that does with the deploy engine, and checks live drift.
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseDuration } from '../../deploy/plan.js';
import { bearerGuard, statusHandler } from '../../serve/index.js';
import { UserError } from '../../shared/errors.js';
import { log, type MarkName } from '../../shared/log.js';
import { shutdown } from '../../shared/shutdown.js';
import { type AgentListener, SyncAgent } from '../../sync/agent.js';
import { gitRemote, publicUrl } from '../../sync/git.js';
import { syncMetrics } from '../../sync/metrics.js';
import { parseListen, startServer } from '../../sync/server.js';
import type { DriftMode, SyncEvent, SyncMemory } from '../../sync/states.js';
import type { Command, Flags } from '../command.js';
import { connectCluster } from '../pipeline.js';
import { agentPage } from '../sync-page.js';
import { syncPorts } from '../sync-ports.js';
import { readToken } from './serve.js';
import { coreVersion } from './version.js';

export const command: Command = {
  summary: 'follow a branch of the values repo: deploy each new good commit, report or repair drift',
  usage:
    'runlevel sync --repo URL --branch B --cluster C [--interval 1m] [--drift warn|correct] [--listen 127.0.0.1:8080]\n' +
    '              [--verify-commits allowed_signers] [--git-credentials DIR] [--hook-secret-file FILE] [--auth-file F]\n\n' +
    'Serves /healthz, /readyz (after the first sync), /metrics, /status, POST /hook (GitHub\n' +
    "X-Hub-Signature-256, Gitea X-Gitea-Signature, GitLab X-Gitlab-Token) and the cluster's status\n" +
    'page with its JSON (/, /api/v1/...). docs/gitops.md, docs/status-page.md.',
  options: {
    repo: {
      type: 'string',
      env: 'RUNLEVEL_SYNC_REPO',
      help: 'git URL of the values repo (https, http, file)',
    },
    branch: { type: 'string', env: 'RUNLEVEL_SYNC_BRANCH', help: 'branch to follow (default main)' },
    interval: { type: 'string', env: 'RUNLEVEL_SYNC_INTERVAL', help: 'time between passes (default 1m)' },
    drift: {
      type: 'string',
      env: 'RUNLEVEL_SYNC_DRIFT',
      help: 'warn (report) | correct (repair); default warn',
    },
    listen: {
      type: 'string',
      env: 'RUNLEVEL_SYNC_LISTEN',
      help: 'host:port to serve on (default 127.0.0.1:8080)',
    },
    'verify-commits': {
      type: 'string',
      env: 'RUNLEVEL_SYNC_VERIFY_COMMITS',
      help: 'allowed_signers file: deploy only commits signed by these keys',
    },
    'git-credentials': {
      type: 'string',
      env: 'RUNLEVEL_SYNC_GIT_CREDENTIALS',
      help: 'directory with `password` (a token) and optionally `username` (a basic-auth Secret)',
    },
    'hook-secret-file': {
      type: 'string',
      env: 'RUNLEVEL_SYNC_HOOK_SECRET_FILE',
      help: 'file holding the webhook secret (no file: every hook is refused)',
    },
    'work-dir': { type: 'string', env: 'RUNLEVEL_SYNC_WORK_DIR', help: 'writable directory for the clone' },
    'backoff-max': {
      type: 'string',
      env: 'RUNLEVEL_SYNC_BACKOFF_MAX',
      help: 'longest wait after failures (default 5m)',
    },
    'auth-file': {
      type: 'string',
      env: 'RUNLEVEL_SYNC_AUTH_FILE',
      help: 'file holding a bearer token the page, /api/v1 and /status need (probes and /metrics do not)',
    },
    once: { type: 'boolean', env: 'RUNLEVEL_SYNC_ONCE', help: 'one pass, then exit (0 when in sync)' },
  },
  async run({ config, flags }) {
    const o = syncOptions(flags);
    const cluster = config.cluster;
    if (!cluster) throw new UserError('sync needs --cluster (or RUNLEVEL_CLUSTER)');
    const core = coreVersion();
    const git = gitRemote({
      url: o.repo,
      branch: o.branch,
      dir: o.workDir,
      credentialsDir: o.credentials,
      allowedSigners: o.verifyCommits,
    });
    const conn = await connectCluster(config);
    const metrics = syncMetrics({ cluster, branch: o.branch, core });
    // In the cluster (the chart names the pod's namespace) the agent can move its own Deployment.
    const namespace = process.env.RUNLEVEL_AGENT_NAMESPACE;
    const own = namespace ? await import('../sync-upgrade.js') : undefined;
    const upgrade = namespace
      ? own?.selfUpgrade({ kc: conn.kc, store: conn.store, git, cluster, namespace })
      : undefined;
    const liveImage = namespace ? own?.liveImage({ kc: conn.kc, namespace }) : undefined;
    const token = typeof flags['auth-file'] === 'string' ? readToken(flags['auth-file']) : undefined;
    // The status page, read after each pass that changed something (sync-page.ts).
    const page = agentPage({ config: { ...config, cluster }, conn, git, status: () => agent.status() });
    const agent = new SyncAgent(
      {
        ...syncPorts({ config: { ...config, cluster }, conn, git, upgrade, liveImage }),
        afterPass: page.afterPass,
      },
      {
        coreVersion: core,
        drift: o.drift,
        backoffBaseMs: Math.min(o.intervalMs, 5_000),
        backoffCapMs: o.backoffMaxMs,
      },
      both(both(logListener(o.drift), metrics.listener), page.listener),
    );
    const hookSecret = o.hookSecretFile ? readSecret(o.hookSecretFile) : undefined;
    if (hookSecret) log.redact(hookSecret);
    const { server, address } = await startServer({
      ...o.listen,
      branch: o.branch,
      registry: metrics.registry,
      status: () => ({ ...agent.status() }),
      hookSecret,
      page: statusHandler({
        source: page.current,
        ...(token ? { auth: { token } } : {}),
        refreshSeconds: Math.max(5, Math.round(o.intervalMs / 1000)),
        mask: (text) => log.mask(text),
      }),
      ...(token ? { authorized: bearerGuard(token) } : {}),
      onHook(result, why) {
        metrics.hook(result);
        if (result === 'refused') log.warn(`hook refused (401): ${why}`, { kind: 'sync-hook' });
        if (result === 'ignored') log.info(`hook ignored: ${why}`);
        if (result === 'accepted') {
          log.info('hook accepted: syncing now');
          wake();
          void agent.trigger('hook');
        }
      },
    });
    log.start(
      `syncing ${cluster} from ${git.where} every ${o.intervalText}, drift ${o.drift}; serving http://${address}`,
    );

    let wakeUp: (() => void) | undefined;
    const wake = () => wakeUp?.();
    try {
      await agent.trigger('start');
      // A hand-over is a pass that did its part: the new core deploys.
      if (o.once) return agent.state.state === 'Idle' || handedOver(agent) ? undefined : 5;
      if (handedOver(agent)) {
        log.done('handed over to the pinned core: exiting, the new agent takes over');
        return undefined;
      }
      while (!shutdown.signal.aborted) {
        const woken = new AbortController();
        wakeUp = () => woken.abort();
        // A retry due before the next interval (a backoff shorter than it) wakes the loop then.
        const retryAt = agent.state.failure?.retryAt;
        const wait = retryAt ? Math.min(o.intervalMs, Math.max(1_000, retryAt - Date.now())) : o.intervalMs;
        await sleep(wait, undefined, {
          signal: AbortSignal.any([shutdown.signal, woken.signal]),
        }).catch(() => {});
        if (shutdown.signal.aborted) break;
        if (handedOver(agent)) break;
        // A hook starts its own pass; the interval restarts from it.
        if (!woken.signal.aborted) await agent.trigger('interval');
      }
      log.info('stopping: the pass in flight finished');
      return undefined;
    } finally {
      server.close();
    }
  },
};

interface SyncOptions {
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
function syncOptions(flags: Flags): SyncOptions {
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

/** A getter, so the compiler does not narrow it across awaits. */
function handedOver(agent: SyncAgent): boolean {
  return agent.state.state === 'Upgrading';
}

function readSecret(file: string): string {
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

function both(a: AgentListener, b: AgentListener): AgentListener {
  return {
    event: (e, m) => {
      a.event(e, m);
      b.event(e, m);
    },
    pass: (p) => {
      a.pass?.(p);
      b.pass?.(p);
    },
    deploy: (p) => {
      a.deploy?.(p);
      b.deploy?.(p);
    },
  };
}

/** One line per event on stderr (plain, tty) or one JSON event of kind "sync" (--log-format json). */
function logListener(mode: DriftMode): AgentListener {
  const short = (c?: string) => (c ? c.slice(0, 12) : '-');
  return {
    event(e: SyncEvent, m: SyncMemory) {
      const say = (mark: MarkName, message: string) =>
        log.event({ kind: 'sync', mark, message, data: { event: e.kind, state: m.state, ...e } });
      switch (e.kind) {
        case 'state':
          // Every pass goes through Fetching and back: only the other transitions are news.
          if (e.to === 'Fetching' || (e.from === 'Fetching' && e.to === 'Idle'))
            return log.debug(() => `state ${e.from} → ${e.to}`);
          return say('info', `state ${e.from} → ${e.to}`);
        case 'fetched':
          if (e.rewritten)
            return say('warn', `history was rewritten (force-push): the new head is ${short(e.commit)}`);
          return log.debug(() => `fetched ${short(e.commit)}`);
        case 'skipped':
          return say(
            'info',
            `commit ${short(e.commit)} does not change this cluster's inputs: nothing to deploy`,
          );
        case 'invalid':
          return say(
            'fail',
            `commit ${short(e.commit)} refused, ${short(m.deployed?.commit)} stays deployed: ${e.reason}`,
          );
        case 'deployed':
          return say('done', `deployed ${short(e.commit)}`);
        case 'failed':
          return say('fail', `${e.cause} failure${e.commit ? ` at ${short(e.commit)}` : ''}: ${e.reason}`);
        case 'backoff':
          return say('waiting', `backing off ${e.seconds}s (attempt ${e.attempts})`);
        case 'drift':
          return say(
            'warn',
            `${e.objects} live object${e.objects === 1 ? '' : 's'} drifted${mode === 'correct' ? ': repairing' : ' (--drift warn: reported only)'}`,
          );
        case 'upgrade':
          return say('start', `commit ${short(e.commit)} pins core ${e.to}: handing over from ${e.from}`);
        case 'handed-over':
          return say('done', `our Deployment now runs ${e.image}: the new core deploys ${short(e.commit)}`);
      }
    },
    pass({ trigger, seconds, memory }) {
      log.debug(() => `pass (${trigger}) ended in ${seconds.toFixed(1)}s: ${memory.state}`);
    },
  };
}
