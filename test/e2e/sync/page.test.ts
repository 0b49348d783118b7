// The sync agent's status page end to end: `runlevel sync` with --auth-file against the real git
// server and the embedded cluster. After the first sync its page and /api/v1 JSON show the
// deployed commit, the newest seen (subject, author), the agent's state; after an invalid push,
// the refused commit and why while the last good stays deployed. The token guards the page, its
// JSON and /status, not the probes or /metrics; no secret marker of the values is in any response.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ClusterStatus } from '../../../core/serve/types.js';
import { type AgentPageRig, deployedAndRead, startAgentPage } from '../../helpers/agent-page.js';
import { leaksIn } from '../../helpers/browser.js';

const kubeconfig = process.env.KUBECONFIG ?? '';
let rig: AgentPageRig;
let c1: string;
const short = (c: string) => c.slice(0, 12);
const bodies: { path: string; body: string }[] = [];

async function get(path: string): Promise<{ code: number; text: string }> {
  const r = await rig.agent.get(path);
  bodies.push({ path, body: r.text });
  return r;
}

test.before(async () => {
  assert.ok(kubeconfig, 'the e2e tier sets KUBECONFIG to the shared local cluster');
  const r = await startAgentPage(kubeconfig);
  rig = r;
  c1 = r.first;
});

test.after(async () => {
  await rig?.remove();
});

test('after the first sync: the deployed commit, the newest seen with subject and author, the state', async () => {
  const s = await rig.until('c1 deployed and read', deployedAndRead(c1));
  assert.is(s.agent?.running, true);
  assert.is(s.agent?.ready, true);
  assert.equal(s.agent?.newest, s.agent?.deployed);
  assert.is(s.agent?.deployed?.subject, 'initial values');
  assert.is(s.agent?.deployed?.author, 'dev');
  assert.match(s.agent?.source ?? '', /^http:\/\/127\.0\.0\.1:\d+\/values\.git \(branch main\)$/);
  // The cluster's facts read at that commit: the record's commit, the release states, the images.
  assert.is(s.commit.deployed, short(c1));
  assert.equal(s.commit.newest?.commit, short(c1));
  assert.is(s.deploys[0]?.valuesCommit, short(c1));
  assert.is(s.deploys[0]?.outcome, 'succeeded');
  const hello = s.runlevels.flatMap((rl) => rl.releases).find((r) => r.release === 'demo-hello');
  assert.is(hello?.state, 'in-sync');
  assert.ok(s.images.length > 0);
  const agent = await rig.json<{ agent: ClusterStatus['agent'] }>('/api/v1/agent');
  assert.equal(agent.agent, s.agent);

  const page = await get('/');
  assert.is(page.code, 200);
  assert.match(page.text, /<h2 id="h-agent">Sync agent<\/h2>/);
  assert.match(page.text, /<span class="state s-in-sync">Idle<\/span>/);
  assert.match(
    page.text,
    new RegExp(
      `<dt>Commit deployed</dt><dd><code title="${c1}">${short(c1)}</code> initial values <small>\\(dev, `,
    ),
  );
});

test('an invalid push: the page and JSON name the refused commit and why; the last good stays', async () => {
  const c2 = await rig.server.commit({ 'common/apps/hello.yaml': 'replicas: [oops\n' }, 'broken yaml');
  const s = await rig.until(
    'c2 refused',
    (x) =>
      x.agent?.refused?.commit === c2 && x.agent.state === 'Invalid' && x.agent.newest?.subject !== undefined,
  );
  assert.is(s.agent?.deployed?.commit, c1, 'the last good commit stays deployed');
  assert.is(s.agent?.newest?.commit, c2);
  assert.is(s.agent?.newest?.subject, 'broken yaml');
  assert.match(s.agent?.refused?.reason ?? '', /hello\.yaml/);
  assert.is(s.commit.deployed, short(c1));
  assert.is(s.commit.newest?.commit, short(c2));
  assert.ok(s.runlevels.length > 0, 'the cluster is still shown, planned at the last good commit');

  const page = await get('/');
  assert.match(page.text, /<span class="state s-failed">Invalid<\/span>/);
  const refused = /<dt>Refused<\/dt><dd>(.*?)<\/dd>/.exec(page.text)?.[1] ?? '';
  assert.match(refused, new RegExp(`<code title="${c2}">${short(c2)}</code>: .*hello\\.yaml`));
  assert.match(
    page.text,
    new RegExp(`<dt>Newest seen</dt><dd><code title="${c2}">${short(c2)}</code> broken yaml`),
  );
});

test('the token guards the page, its JSON and /status; the probes and /metrics stay open', async () => {
  const base = rig.url.replace(/\/$/, '');
  for (const path of ['/', '/api/v1/status', '/api/v1/agent', '/status']) {
    const r = await fetch(`${base}${path}`);
    assert.is(r.status, 401, path);
    const wrong = await fetch(`${base}${path}`, {
      headers: { authorization: 'Bearer not-the-token-at-all' },
    });
    assert.is(wrong.status, 401, `${path} with a wrong token`);
  }
  for (const path of ['/healthz', '/readyz', '/metrics']) {
    assert.is((await fetch(`${base}${path}`)).status, 200, path);
  }
  assert.not.match(rig.agent.log(), rig.token, 'the token is never printed');
});

test('no secret marker in any page or JSON response, nor in the log', async () => {
  for (const path of [
    '/',
    '/?state=drifted',
    '/static/style.css',
    '/api/v1/status',
    '/api/v1/cluster',
    '/api/v1/agent',
    '/api/v1/releases',
    '/api/v1/deploys',
    '/api/v1/images',
    '/status',
    '/metrics',
  ]) {
    assert.is((await get(path)).code, 200, path);
  }
  assert.ok(bodies.length >= 13);
  for (const b of bodies) assert.equal(leaksIn(b.body, rig.markers), [], b.path);
  assert.equal(leaksIn(rig.agent.log(), rig.markers), [], 'the agent log');
});

test.run();
