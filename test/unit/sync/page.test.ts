// The agent's page, pure (core/sync/page.ts): its status and git's description of the commits it
// names → the facts the page and /api/v1 share; rendered, they show what only the agent knows,
// and a page without an agent says "no agent". Mounted on the agent's server: the token guards
// the page, its JSON and /status, never the probes or /metrics.
import type { Server } from 'node:http';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { renderCluster } from '../../../core/serve/render.js';
import { bearerGuard, startServer as startServe, statusHandler } from '../../../core/serve/server.js';
import type { ClusterStatus } from '../../../core/serve/types.js';
import type { AgentStatus } from '../../../core/sync/agent.js';
import { syncMetrics } from '../../../core/sync/metrics.js';
import { agentFacts, readKey, shownCommit, withAgent } from '../../../core/sync/page.js';
import { startServer } from '../../../core/sync/server.js';
import { SyncState } from '../../../core/sync/states.js';
import { sampleStatus } from '../../helpers/status-sample.js';

const good = 'a'.repeat(40);
const bad = 'b'.repeat(40);
const described = new Map([[good, { subject: 'team blue', author: 'Ada', date: '2026-12-07T20:00:00Z' }]]);
const refused: AgentStatus = {
  state: SyncState.Invalid,
  ready: true,
  head: bad,
  deployed: { commit: good },
  invalid: { commit: bad, reason: 'common/apps/hello.yaml:1:11: unexpected end of flow sequence' },
  drifted: 0,
  lastSync: { at: '2026-12-07T20:01:00.000Z', trigger: 'interval', state: SyncState.Invalid },
};
const source = 'http://git.example/values.git (branch main)';

test('agentFacts: the state, the commits with what git said of them, the refusal', () => {
  const f = agentFacts(refused, { source, described });
  assert.equal(f, {
    running: true,
    state: 'Invalid',
    ready: true,
    source,
    deployed: { commit: good, subject: 'team blue', author: 'Ada', date: '2026-12-07T20:00:00Z' },
    newest: { commit: bad },
    refused: { commit: bad, reason: refused.invalid?.reason ?? '' },
    drifted: 0,
    lastSync: refused.lastSync,
  });
});

test('agentFacts: a failure carries its backoff (attempts, next try)', () => {
  const failure = {
    cause: 'git',
    reason: 'fetching failed: connection refused',
    attempts: 3,
    retryAt: '2026-12-07T20:05:00.000Z',
  };
  const f = agentFacts(
    { state: SyncState.BackingOff, ready: true, drifted: 0, failure },
    { source, described: new Map() },
  );
  assert.equal(f.failure, failure);
  assert.is(f.deployed, undefined);
});

test('shownCommit: the head, unless it was refused; then the last good one', () => {
  assert.is(shownCommit(refused), good);
  assert.is(shownCommit({ ...refused, invalid: undefined }), bad);
  assert.is(shownCommit({ state: SyncState.Idle, ready: false, drifted: 0 }), undefined);
});

test('readKey: a skipped commit or an idle pass reads nothing new; a deploy, a state, drift or a new head do', () => {
  const idle: AgentStatus = {
    state: SyncState.Idle,
    ready: true,
    head: good,
    deployed: { commit: good },
    drifted: 0,
  };
  const k = readKey(idle, 1);
  assert.is(k.values, 'deployed#1');
  const skipped = { ...idle, head: bad, deployed: { commit: bad } };
  assert.equal(readKey(skipped, 1), k, 'a commit that does not change the inputs: the same read');
  assert.is.not(readKey(idle, 2).key, k.key, 'a deploy');
  assert.is.not(readKey({ ...idle, state: SyncState.Drifted, drifted: 2 }, 1).key, k.key, 'drift');
  const failing = { ...idle, state: SyncState.Failed, head: bad };
  assert.is(readKey(failing, 1).values, bad, 'a head that failed to deploy: planned at the head');
  assert.is(readKey(refused, 1).values, 'deployed#1', 'a refused head: at the last good commit');
  assert.is(readKey({ state: SyncState.Idle, ready: false, drifted: 0 }, 0).values, '');
});

test('withAgent: the newest commit is the branch head the agent saw; the rest is the read', () => {
  const cluster = sampleStatus({ teams: 1 });
  cluster.commit = {
    deployed: good.slice(0, 12),
    newest: { commit: 'stale', subject: '', author: '', date: '' },
  };
  const f = agentFacts({ ...refused, invalid: undefined, head: good }, { source, described });
  const s = withAgent(cluster, f, cluster);
  assert.equal(s.commit.newest, {
    commit: good.slice(0, 12),
    subject: 'team blue',
    author: 'Ada',
    date: '2026-12-07T20:00:00Z',
  });
  assert.is(s.agent, f);
  assert.is(s.runlevels, cluster.runlevels);
  const before = withAgent(undefined, f, { ...cluster, runlevels: [] });
  assert.equal(before.runlevels, [], 'before the first read: the empty cluster, with the agent');
  assert.is(before.agent?.state, 'Invalid');
});

const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .replaceAll(' :', ':')
    .replaceAll('&#x3D;', '=');

test('the page shows the agent: state, deployed and newest commit, the refusal and why', () => {
  const s = withAgent(
    sampleStatus({ teams: 1 }),
    agentFacts(refused, { source, described }),
    sampleStatus({ teams: 0 }),
  );
  const page = text(renderCluster(s, { refresh: 0 }));
  assert.match(page, /Sync agent Invalid/);
  assert.match(page, /State ✗?\s*Invalid/);
  assert.match(
    page,
    new RegExp(`Commit deployed ${good.slice(0, 12)} team blue \\(Ada, 2026-12-07 20:00:00 UTC\\)`),
  );
  assert.match(page, new RegExp(`Newest seen ${bad.slice(0, 12)}`));
  assert.match(page, new RegExp(`Refused refused ${bad.slice(0, 12)}: common/apps/hello.yaml:1:11`));
  assert.match(page, /Follows http:\/\/git.example\/values.git \(branch main\)/);
});

test('the page shows a failure and its backoff', () => {
  const failure = {
    cause: 'git',
    reason: 'connection refused',
    attempts: 3,
    retryAt: '2026-12-07T20:05:00.000Z',
  };
  const s = withAgent(
    undefined,
    agentFacts({ state: SyncState.BackingOff, ready: true, drifted: 0, failure }, { source, described }),
    sampleStatus({ teams: 0 }),
  );
  const page = text(renderCluster(s, { refresh: 0 }));
  assert.match(page, /Last failure git: connection refused/);
  assert.match(page, /Backoff attempt 3, next try 2026-12-07 20:05:00 UTC/);
});

test('without an agent (runlevel serve) the page and the JSON say "no agent"', () => {
  const s: ClusterStatus = { ...sampleStatus({ teams: 1 }), agent: { running: false } };
  const page = text(renderCluster(s, { refresh: 0 }));
  assert.match(page, /Sync agent no agent/);
  assert.match(page, /no agent: runlevel serve shows this page/);
  assert.not.match(page, /Newest seen/);
});

test('runlevel serve (no agent): /api/v1/agent says so, as the page does', async () => {
  const s = await startServe({
    source: () => ({ ...sampleStatus({ teams: 1 }), agent: { running: false } }),
    listen: { port: 0 },
    mask: (t) => t,
  });
  try {
    const r = (await (await fetch(`${s.url}api/v1/agent`)).json()) as { agent: unknown };
    assert.equal(r.agent, { running: false });
    assert.match(await (await fetch(s.url)).text(), /no agent/);
  } finally {
    await s.close();
  }
});

let server: Server;
let base: string;
const token = 'a-page-token-of-32-characters-xx';
const page = withAgent(
  sampleStatus({ teams: 1 }),
  agentFacts(refused, { source, described }),
  sampleStatus({ teams: 0 }),
);

test.before(async () => {
  const s = await startServer({
    host: '127.0.0.1',
    port: 0,
    branch: 'main',
    registry: syncMetrics({ cluster: 'dev', branch: 'main', core: '1.0.0' }).registry,
    status: () => refused,
    hookSecret: undefined,
    onHook() {},
    page: statusHandler({ source: () => page, auth: { token }, mask: (t) => t }),
    authorized: bearerGuard(token),
  });
  server = s.server;
  base = `http://${s.address}`;
});

test.after(() => {
  server?.close();
});

test('on the agent: the page and its JSON need the token; probes and /metrics do not', async () => {
  const get = (path: string, withToken = false) =>
    fetch(`${base}${path}`, withToken ? { headers: { authorization: `Bearer ${token}` } } : {});
  for (const p of ['/', '/api/v1/status', '/api/v1/agent', '/status']) {
    assert.is((await get(p)).status, 401, p);
    assert.is((await get(p, true)).status, 200, p);
  }
  for (const p of ['/healthz', '/readyz', '/metrics']) assert.is((await get(p)).status, 200, p);
  const agent = (await (await get('/api/v1/agent', true)).json()) as { agent: ClusterStatus['agent'] };
  assert.is(agent.agent?.refused?.commit, bad);
  assert.is(agent.agent?.deployed?.subject, 'team blue');
  const cluster = (await (await get('/api/v1/cluster', true)).json()) as ClusterStatus;
  assert.is(cluster.agent?.state, 'Invalid', 'the summary JSON carries the agent too');
  assert.is(
    (await fetch(`${base}/hook`, { method: 'POST', body: '{}' })).status,
    401,
    'the hook: its own signature',
  );
});

test.run();
