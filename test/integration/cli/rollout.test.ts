// rollout and promote through the real CLI, without a live cluster: the refusals that come before
// any deploy (an invalid cluster, an unknown stage, the first stage), and a cluster whose API
// server never answers: reported unreachable within the bound, its stage stopped, nothing after.
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { beforeSaying } from '../../helpers/before.js';
import { runCli } from '../../helpers/cli.js';
import { type SilentServer, silentServer } from '../../helpers/silent-server.js';
import { initValuesRepo, type ValuesRepo } from '../../helpers/values-repo.js';

let repo: ValuesRepo;
let silent: SilentServer;

beforeSaying(test, setUp);

async function setUp(): Promise<void> {
  repo = await initValuesRepo('a');
  silent = await silentServer();
  const dead = await silent.kubeconfig(join(repo.dir, '..', 'dead.kubeconfig'));
  for (const c of ['b', 'c']) {
    await mkdir(join(repo.dir, 'clusters', c), { recursive: true });
    for (const f of ['settings.yaml', 'secrets.sops.yaml'])
      await copyFile(join(repo.dir, 'clusters/a', f), join(repo.dir, 'clusters', c, f));
  }
  await repo.edit('runlevel.yaml', (doc) => {
    const env = doc.clusters.a.environment;
    doc.clusters.a.kubeconfig = dead;
    doc.clusters.b = { environment: env, kubeconfig: dead };
    doc.clusters.c = { environment: env, kubeconfig: dead };
    doc.rollout = {
      stages: [
        { name: 'one', clusters: ['a'], soak: '1s' },
        { name: 'two', clusters: ['b', 'c'] },
      ],
    };
  });
  const git = simpleGit(repo.dir);
  if (!(await git.checkIsRepo())) await git.init();
  await git.add('.').commit('stages', undefined, { '--no-verify': null });
}

test.after(async () => {
  await silent?.close();
  await repo?.remove();
});

const rollout = (...args: string[]) =>
  runCli(['rollout', '--values', repo.dir, ...args], { timeoutMs: 60_000 });

test('one invalid cluster stops the rollout before any deploy: exit 2, the cluster and where', async () => {
  const file = join(repo.dir, 'clusters/c/settings.yaml');
  const before = await readFile(file, 'utf8');
  await repo.edit('clusters/c/settings.yaml', (s) => {
    s.cluster.provider = 'moon';
  });
  try {
    const r = await rollout();
    assert.is(r.code, 2, r.stderr);
    assert.match(r.stderr, /rollout refused: 1 cluster\(s\) invalid, nothing was deployed: c/);
    assert.match(r.stderr, /c: values for cluster "c" are invalid.*clusters\/c\/settings\.yaml:\d+:\d+/);
    assert.not.match(r.stderr, /deploying/);
  } finally {
    await import('node:fs/promises').then((fs) => fs.writeFile(file, before));
  }
});

test('--from a stage that does not exist: exit 2 with the closest', async () => {
  const r = await rollout('--from', 'tow');
  assert.is(r.code, 2);
  assert.match(r.stderr, '--from tow: there is no such stage');
  assert.match(r.stderr, 'did you mean "two"?');
});

test('a cluster that never answers is unreachable within the bound; its stage stops; exit 9', async () => {
  const started = Date.now();
  const r = await rollout('--probe-timeout', '2s');
  const seconds = (Date.now() - started) / 1000;
  assert.is(r.code, 9, r.stderr);
  assert.match(r.stderr, 'a: unreachable: no answer within 2 s');
  assert.match(r.stderr, /rollout stopped in stage one: a unreachable/);
  assert.match(r.stderr, 'not touched: b, c');
  assert.match(r.stderr, 'runlevel rollout --from one');
  assert.not.match(r.stderr, /b: deploying|c: deploying/);
  assert.match(r.stdout, /^a\s+one\s+unreachable/m);
  assert.match(r.stdout, /^b\s+two\s+untouched/m);
  assert.ok(seconds < 50, `bounded: ${seconds}s`);
});

test('-o json: events on stderr, the summary per cluster on stdout', async () => {
  const r = await rollout('--probe-timeout', '2s', '-o', 'json', '--log-format', 'json');
  assert.is(r.code, 9);
  const summary = JSON.parse(r.stdout) as {
    outcome: string;
    stoppedAt: string;
    clusters: { cluster: string; state: string }[];
  };
  assert.is(summary.outcome, 'gate-failed');
  assert.is(summary.stoppedAt, 'one');
  assert.equal(
    summary.clusters.map((c) => [c.cluster, c.state]),
    [
      ['a', 'unreachable'],
      ['b', 'untouched'],
      ['c', 'untouched'],
    ],
  );
  const events = r.stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { kind: string; data?: Record<string, unknown> });
  assert.ok(events.some((e) => e.kind === 'rollout' && e.data?.cluster === 'a' && e.data?.ok === true));
  assert.ok(events.some((e) => e.kind === 'cluster' && e.data?.state === 'unreachable'));
});

test('promote: the first stage has no gate before it (exit 2); a dead cluster before refuses (exit 9), nothing written', async () => {
  const first = await runCli(['promote', '--to', 'one', '--values', repo.dir]);
  assert.is(first.code, 2);
  assert.match(first.stderr, 'stage one is the first');
  const head = await simpleGit(repo.dir).revparse(['HEAD']);
  const text = await readFile(join(repo.dir, 'runlevel.yaml'), 'utf8');
  const r = await runCli(['promote', '--to', 'two', '--values', repo.dir, '--probe-timeout', '2s'], {
    timeoutMs: 60_000,
  });
  assert.is(r.code, 9, r.stderr);
  assert.match(
    r.stderr,
    /promote to two refused: the gate of stage one does not hold: a: unreachable: no answer within 2 s/,
  );
  assert.is(await readFile(join(repo.dir, 'runlevel.yaml'), 'utf8'), text);
  assert.is(await simpleGit(repo.dir).revparse(['HEAD']), head);
});

test.run();
