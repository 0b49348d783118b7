// What runlevel sync serves over HTTP: probes, metrics, /status, the signed hook and the cluster's
// status page, started once the agent exists (the page and /status read it).
import type { Server } from 'node:http';
import { bearerGuard, statusHandler } from '../serve/index.js';
import { log } from '../shared/log.js';
import type { SyncAgent } from '../sync/agent.js';
import type { SyncMetrics } from '../sync/metrics.js';
import { startServer } from '../sync/server.js';
import type { SyncOptions } from './sync-options.js';
import { readHookSecret } from './sync-options.js';
import type { AgentPage } from './sync-page.js';

export interface AgentServing {
  options: SyncOptions;
  agent: SyncAgent;
  metrics: SyncMetrics;
  page: AgentPage;
  /** The bearer token the page, /api/v1 and /status need (--auth-file); none: open. */
  token?: string;
  /** A signed hook was accepted: start a pass now. */
  onHook: () => void;
}

export async function serveAgent(s: AgentServing): Promise<{ server: Server; address: string }> {
  const o = s.options;
  const hookSecret = o.hookSecretFile ? readHookSecret(o.hookSecretFile) : undefined;
  if (hookSecret) log.redact(hookSecret);
  return startServer({
    ...o.listen,
    branch: o.branch,
    registry: s.metrics.registry,
    status: () => ({ ...s.agent.status() }),
    hookSecret,
    page: statusHandler({
      source: s.page.current,
      ...(s.token ? { auth: { token: s.token } } : {}),
      refreshSeconds: Math.max(5, Math.round(o.intervalMs / 1000)),
      mask: (text) => log.mask(text),
    }),
    ...(s.token ? { authorized: bearerGuard(s.token) } : {}),
    onHook(result, why) {
      s.metrics.hook(result);
      if (result === 'refused') log.warn(`hook refused (401): ${why}`, { kind: 'sync-hook' });
      if (result === 'ignored') log.info(`hook ignored: ${why}`);
      if (result === 'accepted') {
        log.info('hook accepted: syncing now');
        s.onHook();
      }
    },
  });
}
