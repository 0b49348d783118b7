// The agent's metrics in Prometheus' text format, made by prom-client (the exposition format is
// never written by hand). One registry per agent; docs/gitops.md lists every name and its meaning.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { AgentListener } from './agent.js';
import { type SyncEvent, type SyncMemory, SyncState } from './states.js';

export interface SyncMetrics {
  registry: Registry;
  listener: AgentListener;
  hook(result: 'accepted' | 'refused' | 'ignored'): void;
}

export function syncMetrics(labels: { cluster: string; branch: string; core: string }): SyncMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ cluster: labels.cluster });
  collectDefaultMetrics({ register: registry, prefix: 'runlevel_sync_' });
  const p = 'runlevel_sync_';
  const info = new Gauge({
    name: `${p}info`,
    help: 'Always 1: the commit deployed and the newest seen on the branch, as labels',
    labelNames: ['branch', 'core', 'deployed_commit', 'head_commit'],
    registers: [registry],
  });
  const state = new Gauge({
    name: `${p}state`,
    help: '1 for the state the agent is in, 0 for the others',
    labelNames: ['state'],
    registers: [registry],
  });
  const invalid = new Gauge({
    name: `${p}invalid_commit_info`,
    help: '1 while the branch head is refused (validate, check, verify-commit, pin): its commit and why',
    labelNames: ['commit', 'reason'],
    registers: [registry],
  });
  const lastSync = new Gauge({
    name: `${p}last_sync_timestamp_seconds`,
    help: 'When the last sync pass ended',
    registers: [registry],
  });
  const passes = new Counter({
    name: `${p}passes_total`,
    help: 'Sync passes, by trigger and the state they ended in',
    labelNames: ['trigger', 'state'],
    registers: [registry],
  });
  const syncSeconds = new Histogram({
    name: `${p}duration_seconds`,
    help: 'How long one sync pass took (fetch, inspect, deploy when due, drift)',
    buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600],
    registers: [registry],
  });
  const deploySeconds = new Histogram({
    name: `${p}deploy_duration_seconds`,
    help: 'How long one deploy took, by outcome',
    labelNames: ['outcome'],
    buckets: [1, 5, 10, 30, 60, 120, 300, 600, 1200],
    registers: [registry],
  });
  const drifted = new Gauge({
    name: `${p}drifted_objects`,
    help: 'Live objects found drifted from their deployed manifests at the last drift pass',
    registers: [registry],
  });
  const backoff = new Gauge({
    name: `${p}backoff_seconds`,
    help: 'The current wait before the next attempt (0 when not backing off)',
    registers: [registry],
  });
  const failures = new Counter({
    name: `${p}failures_total`,
    help: 'Failed attempts, by cause: git (remote unreachable), api, lock (another run held it), deploy',
    labelNames: ['cause'],
    registers: [registry],
  });
  const commits = new Counter({
    name: `${p}commits_total`,
    help: 'Commits seen, by what became of them: deployed, skipped (inputs unchanged), invalid',
    labelNames: ['result'],
    registers: [registry],
  });
  const rewritten = new Counter({
    name: `${p}history_rewritten_total`,
    help: 'Fetches that found the branch force-pushed (the head seen before is not in its history)',
    registers: [registry],
  });
  const hooks = new Counter({
    name: `${p}hooks_total`,
    help: 'POST /hook requests: accepted, refused (401: unsigned or wrongly signed), ignored (another branch)',
    labelNames: ['result'],
    registers: [registry],
  });
  for (const r of ['accepted', 'refused', 'ignored']) hooks.inc({ result: r }, 0);
  for (const c of ['git', 'api', 'lock', 'deploy']) failures.inc({ cause: c }, 0);

  const show = (m: SyncMemory) => {
    info.reset();
    info.set(
      {
        branch: labels.branch,
        core: labels.core,
        deployed_commit: m.deployed?.commit ?? '',
        head_commit: m.head ?? '',
      },
      1,
    );
    for (const s of Object.values(SyncState)) state.set({ state: s }, s === m.state ? 1 : 0);
    invalid.reset();
    if (m.invalid && m.invalid.commit === m.head)
      invalid.set({ commit: m.invalid.commit, reason: m.invalid.reason }, 1);
    drifted.set(m.drifted);
  };
  show({ state: SyncState.Idle, drifted: 0 });

  const listener: AgentListener = {
    event(e: SyncEvent, m: SyncMemory) {
      if (e.kind === 'fetched' && e.rewritten) rewritten.inc();
      if (e.kind === 'deployed') commits.inc({ result: 'deployed' });
      if (e.kind === 'skipped') commits.inc({ result: 'skipped' });
      if (e.kind === 'invalid') commits.inc({ result: 'invalid' });
      if (e.kind === 'failed') failures.inc({ cause: e.cause });
      if (e.kind === 'backoff') backoff.set(e.seconds);
      if (!m.failure) backoff.set(0);
      show(m);
    },
    pass({ trigger, seconds, memory }) {
      passes.inc({ trigger, state: memory.state });
      syncSeconds.observe(seconds);
      lastSync.setToCurrentTime();
      show(memory);
    },
    deploy({ seconds, ok }) {
      deploySeconds.observe({ outcome: ok ? 'succeeded' : 'failed' }, seconds);
    },
  };
  return { registry, listener, hook: (result) => hooks.inc({ result }) };
}
