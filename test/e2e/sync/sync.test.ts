// The sync agent end to end: `runlevel sync` as a process, a real git server on 127.0.0.1 (git
// http-backend, stopped and started by PID), the embedded cluster. Each fault of issue 21: an
// invalid commit, drift (warn, then correct), the remote down, a wrong hook signature, a
// force-push, an unsigned head, a manual deploy beside the agent, SIGKILL mid-deploy.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppsV1Api } from '@kubernetes/client-node';
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { kubeClusterStore } from '../../../core/deploy/cluster.js';
import type { DeployRecord } from '../../../core/deploy/record.js';
import { isNotFound, loadKubeConfig } from '../../../core/shared/kube.js';
import { findTool, toolEnv } from '../../../core/shared/tools.js';
import { runCli } from '../../helpers/cli.js';
import { type GitServer, startGitServer } from '../../helpers/git-server.js';
import { type Agent, metricValue, startAgent } from '../../helpers/sync-agent.js';
import { initValuesRepo, type ValuesRepo } from '../../helpers/values-repo.js';

const kubeconfig = process.env.KUBECONFIG ?? '';
const secret = 'e2e-hook-secret';
let repo: ValuesRepo;
let server: GitServer;
let work: string;
let agent: Agent | undefined;
let hookFile: string;
let ageKey: string;

const short = (c: string) => c.slice(0, 12);
const kubectl = (...args: string[]) =>
  execa(findTool('kubectl') ?? 'kubectl', [...args, '--kubeconfig', kubeconfig], { env: toolEnv() });
const store = () => kubeClusterStore(loadKubeConfig(kubeconfig));
const deploys = async (): Promise<DeployRecord[]> => (await store().readRecord()).deploys;
const apps = () => loadKubeConfig(kubeconfig).makeApiClient(AppsV1Api);

const teamBlue = `members:\n  - name: admin@dev.example.com\n    role: admin\nquota:\n  cpu: "4"\n  memory: 8Gi\n  pods: 50\nnetworkPolicy:\n  allowFromNamespaces: [ingress-system]\napps: [hello]\n`;

function agentArgs(extra: string[] = []): string[] {
  return [
    '--repo',
    server.url,
    '--branch',
    'main',
    '--cluster',
    'dev',
    '--kubeconfig',
    kubeconfig,
    '--age-key-file',
    ageKey,
    '--interval',
    '5s',
    '--hook-secret-file',
    hookFile,
    '--work-dir',
    join(work, 'agent'),
    ...extra,
  ];
}

async function deploymentImage(name: string, namespace: string): Promise<string | undefined> {
  try {
    const d = await apps().readNamespacedDeployment({ name, namespace });
    return d.spec?.template.spec?.containers[0]?.image;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

test.before(async () => {
  assert.ok(kubeconfig, 'the e2e tier sets KUBECONFIG to the shared local cluster');
  repo = await initValuesRepo('dev');
  ageKey = join(homedir(), '.config/runlevel/age', `${basename(repo.dir)}.key`);
  server = await startGitServer({ seed: repo.dir });
  work = await execa('mktemp', ['-d', join(tmpdir(), 'runlevel-sync-e2e-XXXXXX')]).then((r) => r.stdout);
  hookFile = join(work, 'hook-secret');
  await writeFile(hookFile, `${secret}\n`);
});

test.after(async () => {
  await agent?.kill();
  await server?.remove();
  await repo?.remove();
  if (work) await rm(work, { recursive: true, force: true });
});

let c1: string;
let c4: string;

test('first sync: the head is deployed through the deploy engine; ready afterwards', async () => {
  c1 = await server.commit({}, 'initial values');
  agent = await startAgent(agentArgs());
  assert.is((await agent.get('/healthz')).code, 200);
  const s = await agent.waitFor('the first deploy', (x) => x.deployed?.commit === c1);
  assert.is(s.state, 'Idle');
  assert.is((await agent.get('/readyz')).code, 200);
  const [last] = await deploys();
  assert.is(last?.valuesCommit, short(c1));
  assert.is(last?.outcome, 'succeeded');
  const m = await agent.metrics();
  assert.match(m, new RegExp(`runlevel_sync_info\\{[^}]*deployed_commit="${c1}"[^}]*\\} 1`));
});

test('a commit that does not change this cluster: skipped, no deploy, no render', async () => {
  const before = (await deploys()).length;
  const logFrom = agent?.log().length ?? 0;
  const c2 = await server.commit({ 'README.md': 'notes only\n' }, 'docs');
  await agent?.waitFor('the skip', (x) => x.deployed?.commit === c2);
  assert.is((await deploys()).length, before, 'no deploy record');
  const since = agent?.log().slice(logFrom) ?? '';
  assert.match(since, new RegExp(`commit ${short(c2)} does not change this cluster's inputs`));
  assert.not.match(since, /rendering dev/);
  assert.is(
    metricValue((await agent?.metrics()) ?? '', 'runlevel_sync_commits_total', { result: 'skipped' }),
    1,
  );
});

test('an invalid commit: the last good stays; /status and /metrics name it and why', async () => {
  const good = (await agent?.status())?.deployed?.commit ?? '';
  const before = (await deploys()).length;
  const c3 = await server.commit({ 'common/apps/hello.yaml': 'replicas: [oops\n' }, 'broken yaml');
  const s = await agent?.waitFor('the refusal', (x) => x.invalid?.commit === c3);
  assert.is(s?.state, 'Invalid');
  assert.is(s?.deployed?.commit, good);
  assert.match(s?.invalid?.reason ?? '', /hello\.yaml/);
  const m = (await agent?.metrics()) ?? '';
  assert.match(
    m,
    new RegExp(
      `runlevel_sync_invalid_commit_info\\{[^}]*commit="${c3}"[^}]*reason="(?:[^"\\\\]|\\\\.)*hello\\.yaml`,
    ), // label values escape " as \\"
  );
  assert.is((await deploys()).length, before, 'nothing deployed');
  // Not retried: two passes later it was still refused once.
  const seen = s?.lastSync?.at;
  const later = await agent?.waitFor('a later pass', (x) => (x.lastSync?.at ?? '') > (seen ?? ''));
  await agent?.waitFor('another pass', (x) => (x.lastSync?.at ?? '') > (later?.lastSync?.at ?? ''));
  const refusals = (agent?.log() ?? '').split(`commit ${short(c3)} refused`).length - 1;
  assert.is(refusals, 1, 'refused once, not again each interval');
});

test('the next good commit deploys (a new team, and a drift ignore rule)', async () => {
  const hello = await readFile(join(repo.dir, 'common/apps/hello.yaml'), 'utf8');
  const settings = await readFile(join(repo.dir, 'common/settings.yaml'), 'utf8');
  c4 = await server.commit(
    {
      'common/apps/hello.yaml': hello,
      'common/teams/blue.yaml': teamBlue,
      'common/settings.yaml': settings.replace(
        /^platform:\n/m,
        'platform:\n  drift:\n    ignore:\n      - { kind: Deployment, name: blue-hello, path: spec.replicas }\n',
      ),
    },
    'team blue',
  );
  const s = await agent?.waitFor('c4 deployed', (x) => x.deployed?.commit === c4);
  assert.is(s?.state, 'Idle');
  assert.is(s?.invalid, undefined);
  assert.ok(await deploymentImage('blue-hello', 'team-blue'));
});

test('a hook with a wrong signature: 401, counted, no pass; a signed one starts a pass', async () => {
  const passes = () =>
    agent?.metrics().then((m) => metricValue(m, 'runlevel_sync_passes_total', { trigger: 'hook' }) ?? 0);
  const body = JSON.stringify({ ref: 'refs/heads/main' });
  assert.is(await agent?.hook(body, 'wrong-secret'), 401);
  assert.is(
    metricValue((await agent?.metrics()) ?? '', 'runlevel_sync_hooks_total', { result: 'refused' }),
    1,
  );
  assert.is(await passes(), 0);
  assert.is(await agent?.hook(body, secret), 202);
  await agent?.waitFor('the hook pass', () => true);
  for (let i = 0; i < 600 && (await passes()) === 0; i++) await sleep(200);
  assert.ok(((await passes()) ?? 0) >= 1);
  assert.not.match(agent?.log() ?? '', secret, 'the secret is never printed');
});

test('drift, warn: a deleted Deployment and a changed image are reported, an ignored field is not', async () => {
  await kubectl('delete', 'deployment', 'demo-hello', '-n', 'team-demo', '--wait=true');
  await kubectl(
    'set',
    'image',
    'deployment/blue-hello',
    'app=docker.io/library/busybox:1.36',
    '-n',
    'team-blue',
  );
  await kubectl('scale', 'deployment/blue-hello', '--replicas=3', '-n', 'team-blue');
  const s = await agent?.waitFor('drift reported', (x) => x.state === 'Drifted');
  assert.is(s?.drifted, 2, 'the deleted one and the image; spec.replicas is ignored');
  assert.match(agent?.log() ?? '', /drift in team-demo\/demo-hello: .*missing/);
  assert.match(agent?.log() ?? '', /drift in team-blue\/blue-hello: .*busybox/);
  assert.not.match(
    agent?.log() ?? '',
    /drift in team-blue\/blue-hello: .*spec\.replicas/,
    'the ignored field',
  );
  assert.is(metricValue((await agent?.metrics()) ?? '', 'runlevel_sync_drifted_objects'), 2);
  assert.is(await deploymentImage('demo-hello', 'team-demo'), undefined, 'warn changes nothing');
});

test('drift, correct: both put back by the deploy engine', async () => {
  await agent?.stop();
  agent = await startAgent(agentArgs(['--drift', 'correct']));
  // Its first pass deploys c4, which repairs what drifted; then drift made while it runs:
  await agent.waitFor('the first pass', (x) => x.deployed?.commit === c4 && x.state === 'Idle');
  await kubectl('delete', 'deployment', 'demo-hello', '-n', 'team-demo', '--wait=true');
  await kubectl(
    'set',
    'image',
    'deployment/blue-hello',
    'app=docker.io/library/busybox:1.36',
    '-n',
    'team-blue',
  );
  await agent.waitLog(/2 live objects drifted: repairing/);
  const s = await agent.waitFor('drift repaired', (x) => x.state === 'Idle' && x.drifted === 0);
  assert.is(s.deployed?.commit, c4);
  assert.ok(await deploymentImage('demo-hello', 'team-demo'), 'recreated');
  assert.match((await deploymentImage('blue-hello', 'team-blue')) ?? '', /nginx/);
  const repaired = (await deploys()).find((d) => d.releases.some((r) => r.action === 'repaired'));
  assert.ok(repaired, 'a deploy record of the repair');
});

test('the remote down for three intervals: backoff in metrics, no crash; back up, the next commit deploys', async () => {
  await server.stop();
  for (let i = 0; i < 900; i++) {
    const failed =
      metricValue((await agent?.metrics()) ?? '', 'runlevel_sync_failures_total', { cause: 'git' }) ?? 0;
    if (failed >= 3) break;
    await sleep(500);
  }
  const m = (await agent?.metrics()) ?? '';
  assert.ok((metricValue(m, 'runlevel_sync_failures_total', { cause: 'git' }) ?? 0) >= 3, m);
  assert.ok((metricValue(m, 'runlevel_sync_backoff_seconds') ?? 0) > 0);
  assert.is((await agent?.status())?.state, 'BackingOff');
  assert.is((await agent?.get('/healthz'))?.code, 200, 'still serving');
  await server.start();
  const c5 = await server.commit(
    {
      'common/apps/hello.yaml': (await readFile(join(repo.dir, 'common/apps/hello.yaml'), 'utf8')).replace(
        'replicas: 1',
        'replicas: 2',
      ),
    },
    'two replicas',
  );
  assert.is(await agent?.hook(JSON.stringify({ ref: 'refs/heads/main' }), secret), 202);
  await agent?.waitFor('c5 deployed', (x) => x.deployed?.commit === c5 && !x.failure);
});

test('a force-push: the new head deploys and the log says history was rewritten', async () => {
  const c6 = await server.forcePush(
    {
      'common/apps/hello.yaml': (await readFile(join(repo.dir, 'common/apps/hello.yaml'), 'utf8')).replace(
        'replicas: 1',
        'replicas: 3',
      ),
    },
    'three replicas, rewritten',
  );
  await agent?.hook(JSON.stringify({ ref: 'refs/heads/main' }), secret);
  await agent?.waitFor('c6 deployed', (x) => x.deployed?.commit === c6);
  assert.match(
    agent?.log() ?? '',
    new RegExp(`history was rewritten \\(force-push\\): the new head is ${short(c6)}`),
  );
  assert.is(metricValue((await agent?.metrics()) ?? '', 'runlevel_sync_history_rewritten_total'), 1);
});

test('a manual deploy while the agent deploys: never both at once', async () => {
  const hello = (await readFile(join(repo.dir, 'common/apps/hello.yaml'), 'utf8')).replace(
    'replicas: 1',
    'replicas: 4',
  );
  const c7 = await server.commit({ 'common/apps/hello.yaml': hello }, 'four replicas');
  const checkout = join(work, 'manual');
  await execa('git', ['clone', '-q', server.url, checkout]);
  await agent?.hook(JSON.stringify({ ref: 'refs/heads/main' }), secret);
  const manual = await runCli(
    [
      'deploy',
      '--cluster',
      'dev',
      '--values',
      checkout,
      '--kubeconfig',
      kubeconfig,
      '--age-key-file',
      ageKey,
    ],
    { timeoutMs: 600_000 },
  );
  await agent?.waitFor('c7 deployed by the agent', (x) => x.deployed?.commit === c7);
  assert.ok([0, 6].includes(manual.code), manual.stderr);
  // A record's start is its command's start (a run waiting for the lock included): what shows that
  // the two never worked at once is that exactly one of them upgraded demo-hello, and any other
  // run of this commit planned after it had ended and found it unchanged.
  const runs = (await deploys()).filter((d) => d.valuesCommit === short(c7) && d.outcome === 'succeeded');
  const actionOf = (d: DeployRecord) => d.releases.find((r) => r.name === 'demo-hello')?.action;
  const upgraded = runs.filter((d) => actionOf(d) === 'upgraded');
  assert.is(upgraded.length, 1, JSON.stringify(runs.map((d) => [d.id, d.started, d.ended, actionOf(d)])));
  for (const d of runs.filter((x) => x !== upgraded[0])) {
    assert.is(actionOf(d), 'unchanged');
    assert.ok(d.ended >= (upgraded[0]?.ended ?? ''), 'it ended after the upgrade');
  }
});

test('SIGKILL mid-deploy, restarted: the lock is taken over, the record shows the failure, it converges', async () => {
  const hello = (await readFile(join(repo.dir, 'common/apps/hello.yaml'), 'utf8')).replace(
    'port: 8080',
    'port: 8081',
  );
  const c8 = await server.commit({ 'common/apps/hello.yaml': hello }, 'another port');
  await agent?.hook(JSON.stringify({ ref: 'refs/heads/main' }), secret);
  let running: DeployRecord | undefined;
  for (let i = 0; i < 6000 && !running; i++) {
    running = (await deploys()).find((d) => d.valuesCommit === short(c8) && d.outcome === 'running');
    if (!running) await sleep(100);
  }
  assert.ok(running, 'caught the agent mid-deploy');
  await agent?.kill();
  agent = await startAgent(agentArgs());
  await agent.waitFor('c8 deployed after the restart', (x) => x.deployed?.commit === c8);
  const all = await deploys();
  const killed = all.find((d) => d.id === running?.id);
  assert.is(killed?.outcome, 'failed');
  assert.is(killed?.failure?.step, 'abandoned');
  const next = all.find((d) => d.valuesCommit === short(c8) && d.outcome === 'succeeded');
  assert.is(next?.lock?.tookOver, 'holder-gone');
});

test('--verify-commits: an unsigned head is refused; a signed one deploys', async () => {
  await agent?.stop();
  agent = await startAgent(agentArgs(['--verify-commits', server.allowedSigners]));
  const hello = (await readFile(join(repo.dir, 'common/apps/hello.yaml'), 'utf8')).replace(
    'replicas: 1',
    'replicas: 2',
  );
  const unsigned = await server.commit({ 'common/apps/hello.yaml': hello }, 'unsigned');
  const s = await agent.waitFor('the unsigned head refused', (x) => x.invalid?.commit === unsigned);
  assert.match(s.invalid?.reason ?? '', /is not signed/);
  const signed = await server.commit({ 'README.md': 'signed\n' }, 'signed', { sign: true });
  await agent.hook(JSON.stringify({ ref: 'refs/heads/main' }), secret);
  await agent.waitFor('the signed head deployed', (x) => x.deployed?.commit === signed);
  assert.is(await agent.stop(), 0, 'SIGTERM: stops after the pass in flight');
});

test.run();
