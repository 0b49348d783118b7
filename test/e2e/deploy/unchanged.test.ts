// A no-op deploy whose every input equals the last successful deploy's skips planning, render and
// check (core/deploy/unchanged.ts), on the real local cluster; and any change of an input still
// deploys: a values edit, a different core, a release upgraded with helm by hand, a live object
// changed by hand. The ⏱ marks of --verbose say which path a deploy took.
import { appendFile, cp } from 'node:fs/promises';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadKubeConfig } from '../../../core/shared/kube.js';
import { coreRoot } from '../../../core/shared/paths.js';
import { findTool, toolEnv } from '../../../core/shared/tools.js';
import { runCli } from '../../helpers/cli.js';
import { copyOfCore } from '../../helpers/core-copy.js';
import { initValuesRepo, type ValuesRepo } from '../../helpers/values-repo.js';

const kubeconfig = process.env.KUBECONFIG ?? '';
let repo: ValuesRepo;

const skipped = /unchanged since the last deploy/;
const rendered = /⏱ [\d.]+s rendered\n/;

async function deploy(core?: string) {
  const args = ['deploy', '--cluster', repo.cluster, '--values', repo.dir, '--kubeconfig', kubeconfig, '-v'];
  const r = await runCli(args, { timeoutMs: 300_000, ...(core ? { core } : {}) });
  assert.is(r.code, 0, r.stderr);
  return { ...r, skipped: skipped.test(r.stderr), rendered: rendered.test(r.stderr) };
}

const actionOf = (stderr: string, release: string) =>
  new RegExp(`^${release}\\s+\\S+\\s+(\\S+)`, 'm').exec(stderr)?.[1];

const tool = (name: 'helm' | 'kubectl', ...args: string[]) =>
  execa(findTool(name) ?? name, [...args, '--kubeconfig', kubeconfig], { env: toolEnv() });

async function lastDeploy(): Promise<{ outcome: string; inputs?: string }> {
  const cm = await loadKubeConfig(kubeconfig)
    .makeApiClient(CoreV1Api)
    .readNamespacedConfigMap({ name: 'runlevel-state', namespace: 'runlevel-system' });
  return (
    (JSON.parse(cm.data?.['deploys.json'] ?? '[]') as { outcome: string; inputs?: string }[])[0] ?? {
      outcome: 'none',
    }
  );
}

test.before(async () => {
  assert.ok(kubeconfig, 'the e2e tier sets KUBECONFIG to the shared local cluster');
  repo = await initValuesRepo('dev');
  await deploy();
});

test.after(async () => {
  await repo?.remove();
});

test('a no-op with the inputs of the last deploy skips render and check, and reports every release unchanged', async () => {
  // A deploy's inputs would differ while the first deploys add kinds (CRDs, Gatekeeper's
  // constraint kinds) if a chart read .Capabilities; none of the core's does, so this is the
  // first try, and the loop only keeps the test about the skip itself.
  let r = await deploy();
  for (let i = 0; i < 3 && !r.skipped; i++) r = await deploy();
  assert.ok(r.skipped, r.stderr);
  const again = await deploy();
  assert.ok(again.skipped, again.stderr);
  assert.not.ok(again.rendered, 'nothing rendered');
  assert.match(again.stderr, /total [\d.]+s: \d+ unchanged$/m);
  assert.is(actionOf(again.stderr, 'demo-hello'), 'unchanged');
  const last = await lastDeploy();
  assert.is(last.outcome, 'succeeded');
  assert.match(last.inputs ?? '', /^sha256:[0-9a-f]{64}$/);
});

test('a values edit deploys in full', async () => {
  await repo.edit('common/settings.yaml', (settings) => {
    settings.platform ??= {};
    settings.platform.drift = { ignore: [{ kind: 'ConfigMap', name: 'not-there', path: 'data' }] };
  });
  const r = await deploy();
  assert.not.ok(r.skipped, r.stderr);
  assert.ok(r.rendered, r.stderr);
  assert.ok((await deploy()).skipped, 'then the same inputs again: skipped');
});

test('a release upgraded with helm by hand deploys in full and is put back', async () => {
  await tool(
    'helm',
    'upgrade',
    'demo-hello',
    join(coreRoot, 'charts/app'),
    '-n',
    'team-demo',
    '--reuse-values',
  );
  const r = await deploy();
  assert.not.ok(r.skipped, r.stderr);
  assert.ok(r.rendered, r.stderr);
  assert.is(actionOf(r.stderr, 'demo-hello'), 'upgraded', r.stderr);
  assert.ok((await deploy()).skipped);
});

test('a live object changed by hand deploys in full and is repaired', async () => {
  await tool('kubectl', 'scale', 'deployment/demo-hello', '--replicas=0', '-n', 'team-demo');
  const r = await deploy();
  assert.not.ok(r.skipped, r.stderr);
  assert.is(actionOf(r.stderr, 'demo-hello'), 'repaired', r.stderr);
  assert.ok((await deploy()).skipped);
});

test('a different core (one chart changed, same version) deploys in full', async () => {
  const charts = [
    'app',
    'ingress',
    'platform-init',
    'policies',
    'runlevel-agent',
    'runlevel-lib',
    'sso',
    'team',
  ];
  const copy = await copyOfCore({
    runlevels: {},
    charts: Object.fromEntries(charts.map((c) => [c, join(coreRoot, 'charts', c)])),
  });
  try {
    await cp(join(coreRoot, 'helmfile.d'), join(copy.root, 'helmfile.d'), { recursive: true });
    await appendFile(join(copy.root, 'charts/app/Chart.yaml'), '# a core with this line is another core\n');
    const r = await deploy(copy.root);
    assert.not.ok(r.skipped, r.stderr);
    assert.is(actionOf(r.stderr, 'demo-hello'), 'upgraded', r.stderr);
    const back = await deploy();
    assert.not.ok(back.skipped, 'and back to this core: in full again');
  } finally {
    await copy.remove();
  }
});

test.run();
