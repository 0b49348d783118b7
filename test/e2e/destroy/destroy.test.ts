// `runlevel destroy` against the real local cluster: it refuses without confirmation, removes
// every release in reverse runlevel order and runlevel-system last, and leaves a cluster a
// fresh deploy can use (later e2e files deploy their own platform).
import { CoreV1Api } from '@kubernetes/client-node';
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isNotFound, loadKubeConfig } from '../../../core/shared/kube.js';
import { coreRoot } from '../../../core/shared/paths.js';
import { findTool, toolEnv } from '../../../core/shared/tools.js';
import { cleanEnv, runCli } from '../../helpers/cli.js';
import { initValuesRepo, type ValuesRepo } from '../../helpers/values-repo.js';

const kubeconfig = process.env.KUBECONFIG ?? '';
let repo: ValuesRepo;
let deployed: string[] = [];

const common = () => ['--cluster', repo.cluster, '--values', repo.dir, '--kubeconfig', kubeconfig];
const deploy = () => runCli(['deploy', ...common()], { timeoutMs: 300_000 });

async function helmReleases(): Promise<string[]> {
  const r = await execa(
    findTool('helm') ?? 'helm',
    ['list', '-A', '-a', '-o', 'json', '--kubeconfig', kubeconfig],
    {
      env: toolEnv(),
    },
  );
  return (JSON.parse(r.stdout) as { name: string }[]).map((x) => x.name).sort();
}

async function systemNamespaceExists(): Promise<boolean> {
  try {
    await loadKubeConfig(kubeconfig).makeApiClient(CoreV1Api).readNamespace({ name: 'runlevel-system' });
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

test.before(async () => {
  assert.ok(kubeconfig, 'the e2e tier sets KUBECONFIG to the shared local cluster');
  repo = await initValuesRepo('dev');
  const r = await deploy();
  assert.is(r.code, 0, r.stderr);
  deployed = await helmReleases();
  for (const name of ['platform-init', 'team-demo', 'demo-hello']) assert.ok(deployed.includes(name), name);
});

test.after(async () => {
  await repo?.remove();
});

test('without --yes and without a terminal it refuses with exit 2 and a hint; nothing is removed', async () => {
  const r = await runCli(['destroy', ...common()], { input: '' });
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, 'refusing to destroy dev without confirmation');
  assert.match(r.stderr, 'hint: run it in a terminal to confirm by typing the cluster name, or pass --yes');
  assert.equal(await helmReleases(), deployed);
});

test('on a terminal, a wrong cluster name does not confirm', async () => {
  // script(1) gives the CLI a real terminal on stdin; the answer is typed into it.
  const cmd = [`${coreRoot}/bin/runlevel`, 'destroy', ...common()].map((a) => `'${a}'`).join(' ');
  const r = await execa('script', ['-qec', cmd, '/dev/null'], {
    input: 'prod\n',
    env: { ...cleanEnv(), NO_COLOR: '1', RUNLEVEL_LOG_FORMAT: 'plain' },
    extendEnv: false,
    reject: false,
    timeout: 120_000,
  });
  assert.is(r.exitCode, 2, r.stdout);
  assert.match(r.stdout, 'type the cluster name (dev) to confirm');
  assert.match(r.stdout, 'not confirmed: "prod" is not dev; nothing was changed');
  assert.equal(await helmReleases(), deployed);
});

test('--yes uninstalls every release, last runlevel first, then deletes runlevel-system', async () => {
  const r = await runCli(['destroy', ...common(), '--yes', '-o', 'json'], { timeoutMs: 300_000 });
  assert.is(r.code, 0, r.stderr);
  const order = [...r.stderr.matchAll(/► runlevel (\S+): uninstalling/g)].map((m) => m[1]);
  assert.ok(order.length >= 4, `runlevels: ${order.join(' ')}`);
  assert.equal(order, [...order].sort().reverse());
  const lastUninstall = r.stderr.lastIndexOf(' uninstalled (');
  assert.ok(lastUninstall > 0 && r.stderr.indexOf('runlevel-system deleted') > lastUninstall, r.stderr);
  for (const name of deployed) assert.match(r.stderr, new RegExp(`^✔ +${name} uninstalled \\(`, 'm'));

  const remaining = await helmReleases();
  for (const name of deployed) assert.not.ok(remaining.includes(name), `${name} is still installed`);
  assert.not.ok(await systemNamespaceExists(), 'runlevel-system is gone');

  const record = JSON.parse(r.stdout) as { command: string; outcome: string; releases: { name: string }[] };
  assert.is(record.command, 'destroy');
  assert.is(record.outcome, 'succeeded');
  assert.equal(record.releases.map((x) => x.name).sort(), deployed);
});

test('after a destroy the cluster takes a fresh deploy (later e2e files rely on it)', async () => {
  const again = await deploy();
  assert.is(again.code, 0, again.stderr);
  assert.match(again.stderr, /demo-hello\s+\S+\s+installed/);
  assert.ok(await systemNamespaceExists());
});

test.run();
