// runlevel sync: the pull-based agent. One cluster follows one branch of the values repo: every
// interval (or at once on a signed hook) it fetches the head, skips a commit that does not change
// this cluster's inputs, deploys one that does with the deploy engine, and checks live drift.
import { setTimeout as sleep } from 'node:timers/promises';
import { UserError } from '../../shared/errors.js';
import { log } from '../../shared/log.js';
import { shutdown } from '../../shared/shutdown.js';
import { SyncAgent } from '../../sync/agent.js';
import { gitRemote } from '../../sync/git.js';
import { syncMetrics } from '../../sync/metrics.js';
import type { Command } from '../command.js';
import { connectCluster } from '../pipeline.js';
import { both, logListener } from '../sync-log.js';
import { syncOptions } from '../sync-options.js';
import { agentPage } from '../sync-page.js';
import { syncPorts } from '../sync-ports.js';
import { serveAgent } from '../sync-serve.js';
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
    let wakeUp: (() => void) | undefined;
    const { server, address } = await serveAgent({
      options: o,
      agent,
      metrics,
      page,
      token,
      onHook() {
        wakeUp?.();
        void agent.trigger('hook');
      },
    });
    log.start(
      `syncing ${cluster} from ${git.where} every ${o.intervalText}, drift ${o.drift}; serving http://${address}`,
    );

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

/** A getter, so the compiler does not narrow it across awaits. */
function handedOver(agent: SyncAgent): boolean {
  return agent.state.state === 'Upgrading';
}
