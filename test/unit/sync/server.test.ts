// The agent's HTTP side (core/sync/server.ts) and its metrics (core/sync/metrics.ts) on a real
// socket on 127.0.0.1: probes, the Prometheus text prom-client makes, and the hook's refusals.
import { createHmac } from 'node:crypto';
import type { Server } from 'node:http';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AgentStatus } from '../../../core/sync/agent.js';
import { syncMetrics } from '../../../core/sync/metrics.js';
import { startServer } from '../../../core/sync/server.js';
import { SyncState } from '../../../core/sync/states.js';

let server: Server;
let base: string;
const hooks: string[] = [];
const status: AgentStatus = { state: SyncState.Idle, ready: false, drifted: 0 };
const metrics = syncMetrics({ cluster: 'dev', branch: 'main', core: '1.0.0' });

test.before(async () => {
  const s = await startServer({
    host: '127.0.0.1',
    port: 0,
    branch: 'main',
    registry: metrics.registry,
    status: () => status,
    hookSecret: 'sekrit',
    onHook(result) {
      hooks.push(result);
      metrics.hook(result);
    },
  });
  server = s.server;
  base = `http://${s.address}`;
});

test.after(() => {
  server?.close();
});

const sign = (body: string, secret = 'sekrit') =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
const post = (body: string, headers: Record<string, string>) =>
  fetch(`${base}/hook`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });

test('/healthz answers; /readyz only after the first pass', async () => {
  assert.is((await fetch(`${base}/healthz`)).status, 200);
  assert.is((await fetch(`${base}/readyz`)).status, 503);
  status.ready = true;
  assert.is((await fetch(`${base}/readyz`)).status, 200);
});

test('/status is the agent status as JSON', async () => {
  status.invalid = { commit: 'abc', reason: 'check failed' };
  const r = await fetch(`${base}/status`);
  assert.match(r.headers.get('content-type') ?? '', 'application/json');
  assert.equal(((await r.json()) as AgentStatus).invalid, { commit: 'abc', reason: 'check failed' });
});

test('POST /hook: wrong or missing signature 401 and counted; signed 202; another branch ignored', async () => {
  const body = JSON.stringify({ ref: 'refs/heads/main' });
  assert.is((await post(body, { 'x-hub-signature-256': sign(body, 'wrong') })).status, 401);
  assert.is((await post(body, {})).status, 401);
  assert.is((await post(body, { 'x-hub-signature-256': sign(body) })).status, 202);
  const other = JSON.stringify({ ref: 'refs/heads/dev' });
  assert.is((await post(other, { 'x-hub-signature-256': sign(other) })).status, 202);
  assert.equal(hooks, ['refused', 'refused', 'accepted', 'ignored']);
  assert.is((await fetch(`${base}/hook`)).status, 405);
  assert.is((await fetch(`${base}/nope`)).status, 404);
});

test('/metrics: Prometheus text by prom-client with the documented names', async () => {
  metrics.listener.event(
    { kind: 'invalid', commit: 'c2', reason: 'bad "quote"' },
    { state: SyncState.Invalid, head: 'c2', invalid: { commit: 'c2', reason: 'bad "quote"' }, drifted: 0 },
  );
  const r = await fetch(`${base}/metrics`);
  assert.match(r.headers.get('content-type') ?? '', 'text/plain; version=0.0.4');
  const text = await r.text();
  for (const name of [
    'runlevel_sync_info',
    'runlevel_sync_state',
    'runlevel_sync_invalid_commit_info',
    'runlevel_sync_last_sync_timestamp_seconds',
    'runlevel_sync_passes_total',
    'runlevel_sync_duration_seconds',
    'runlevel_sync_deploy_duration_seconds',
    'runlevel_sync_drifted_objects',
    'runlevel_sync_backoff_seconds',
    'runlevel_sync_failures_total',
    'runlevel_sync_commits_total',
    'runlevel_sync_history_rewritten_total',
    'runlevel_sync_hooks_total',
    'runlevel_sync_process_cpu_seconds_total',
  ]) {
    assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'), name);
  }
  assert.match(text, 'runlevel_sync_hooks_total{result="refused",cluster="dev"} 2');
  assert.match(text, 'runlevel_sync_state{state="Invalid",cluster="dev"} 1');
  assert.match(
    text,
    'runlevel_sync_invalid_commit_info{commit="c2",reason="bad \\"quote\\"",cluster="dev"} 1',
  );
});

test.run();
