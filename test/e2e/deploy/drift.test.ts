// Live drift against the real local cluster: objects deleted or changed by hand (kubectl) behind
// runlevel's back are reported by `status` and `diff` (and `diff --detailed-exitcode` exits 2),
// and a plain `deploy` puts them back with the same chart and values. A field values say someone
// else owns is not reported. Nothing here is prepared by hand but the drift itself.
import { AppsV1Api, CoreV1Api, NetworkingV1Api } from '@kubernetes/client-node';
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isNotFound, loadKubeConfig } from '../../../core/shared/kube.js';
import { findTool, toolEnv } from '../../../core/shared/tools.js';
import { runCli } from '../../helpers/cli.js';
import { initValuesRepo, type ValuesRepo } from '../../helpers/values-repo.js';

const kubeconfig = process.env.KUBECONFIG ?? '';
let repo: ValuesRepo;

const common = () => ['--cluster', repo.cluster, '--values', repo.dir, '--kubeconfig', kubeconfig];
const deploy = (...args: string[]) => runCli(['deploy', ...common(), ...args], { timeoutMs: 300_000 });
const diff = (...args: string[]) => runCli(['diff', ...common(), ...args]);

interface StatusJson {
  inSync: boolean;
  releases: {
    release: string;
    state: string;
    reason: string;
    drift?: {
      kind: string;
      name: string;
      missing: boolean;
      changes: { path: string; want?: string; live?: string }[];
    }[];
  }[];
}

async function status(): Promise<StatusJson> {
  const r = await runCli(['status', ...common(), '-o', 'json']);
  assert.is(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as StatusJson;
}

const kubectl = (...args: string[]) =>
  execa(findTool('kubectl') ?? 'kubectl', [...args, '--kubeconfig', kubeconfig], { env: toolEnv() });

const actionOf = (stderr: string, release: string) =>
  new RegExp(`^${release}\\s+\\S+\\s+(\\S+)`, 'm').exec(stderr)?.[1];

const clients = () => {
  const kc = loadKubeConfig(kubeconfig);
  return {
    apps: kc.makeApiClient(AppsV1Api),
    core: kc.makeApiClient(CoreV1Api),
    net: kc.makeApiClient(NetworkingV1Api),
  };
};

async function exists(read: () => Promise<unknown>): Promise<boolean> {
  try {
    await read();
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

const hello = () => clients().apps.readNamespacedDeployment({ name: 'demo-hello', namespace: 'team-demo' });

/** status, diff and diff --detailed-exitcode all report the drift; `expect` is what they must name. */
async function reported(release: string, expect: { status: RegExp; diff: RegExp }): Promise<void> {
  const s = await status();
  assert.is(s.inSync, false);
  const r = s.releases.find((x) => x.release === release);
  assert.is(r?.state, 'drifted', JSON.stringify(r));
  assert.match(JSON.stringify(r?.drift), expect.status);
  const others = s.releases.filter((x) => x.release !== release && x.state !== 'in sync');
  assert.equal(others, [], 'no other release reported');

  // The text diff names what drifted, and --detailed-exitcode says changes are pending.
  const text = await diff('--detailed-exitcode');
  assert.is(text.code, 2, text.stderr);
  assert.match(text.stdout, new RegExp(`~ ${release} \\(\\S+\\): repair \\(live drift: `));
  assert.match(text.stdout, expect.diff);
  assert.match(text.stdout, /1 release to change: 0 to install, 0 to upgrade, 1 to repair, 0 to prune/);
}

/** A plain deploy repairs exactly that release, and status and diff are clean afterwards. */
async function repaired(release: string, item: RegExp): Promise<void> {
  const r = await deploy('-v');
  assert.is(r.code, 0, r.stderr);
  assert.is(actionOf(r.stderr, release), 'repaired', r.stderr);
  assert.match(r.stderr, /total [\d.]+s: \d+ unchanged, 1 repaired$/m);
  assert.match(r.stderr, item);
  const json = await runCli(['status', ...common(), '-o', 'json']);
  assert.is((JSON.parse(json.stdout) as StatusJson).inSync, true, json.stdout);
  assert.is((await diff('--detailed-exitcode')).code, 0);
}

test.before(async () => {
  assert.ok(kubeconfig, 'the e2e tier sets KUBECONFIG to the shared local cluster');
  repo = await initValuesRepo('dev');
  const r = await deploy();
  assert.is(r.code, 0, r.stderr);
});

test.after(async () => {
  await repo?.remove();
});

test('right after a deploy no object of the platform is reported: server defaults and canonical forms are not drift', async () => {
  const s = await status();
  assert.is(s.inSync, true, JSON.stringify(s.releases.filter((r) => r.state !== 'in sync')));
  const r = await diff('--detailed-exitcode');
  assert.is(r.code, 0, r.stdout);
  const again = await deploy();
  assert.match(again.stderr, /total [\d.]+s: \d+ unchanged$/m);
});

test('a managed Deployment deleted: reported missing, recreated by a plain deploy', async () => {
  await kubectl('delete', 'deployment', 'demo-hello', '-n', 'team-demo', '--wait=true');
  await reported('demo-hello', {
    status: /"kind":"Deployment","name":"demo-hello","namespace":"team-demo","missing":true/,
    diff: /- Deployment\/team-demo\/demo-hello: missing/,
  });
  await repaired('demo-hello', /repaired demo-hello: Deployment\/team-demo\/demo-hello \(missing\)/);
  assert.is((await hello()).status?.readyReplicas, 1);
});

test("a team's default-deny NetworkPolicy and ResourceQuota deleted: both reported, both recreated", async () => {
  const { net, core } = clients();
  const policies = (await net.listNamespacedNetworkPolicy({ namespace: 'team-demo' })).items;
  const deny = policies.find((p) => /deny/.test(p.metadata?.name ?? ''))?.metadata?.name ?? '';
  assert.ok(deny, policies.map((p) => p.metadata?.name).join(', '));
  const quota =
    (await core.listNamespacedResourceQuota({ namespace: 'team-demo' })).items[0]?.metadata?.name ?? '';
  assert.ok(quota);
  await kubectl('delete', 'networkpolicy', deny, '-n', 'team-demo');
  await kubectl('delete', 'resourcequota', quota, '-n', 'team-demo');

  await reported('team-demo', {
    status: new RegExp(`"kind":"NetworkPolicy","name":"${deny}".*"missing":true`),
    diff: new RegExp(
      `- NetworkPolicy/team-demo/${deny}: missing\\n\\s+- ResourceQuota/team-demo/${quota}: missing`,
    ),
  });
  await repaired(
    'team-demo',
    new RegExp(`repaired team-demo: ResourceQuota/team-demo/${quota} \\(missing\\)`),
  );
  assert.ok(await exists(() => net.readNamespacedNetworkPolicy({ name: deny, namespace: 'team-demo' })));
  assert.ok(await exists(() => core.readNamespacedResourceQuota({ name: quota, namespace: 'team-demo' })));
});

test('kubectl set image: the field is reported with both values, and put back', async () => {
  const image = (await hello()).spec?.template.spec?.containers[0]?.image ?? '';
  assert.ok(image);
  await kubectl(
    'set',
    'image',
    'deployment/demo-hello',
    'app=docker.io/library/busybox:1.36',
    '-n',
    'team-demo',
  );
  const path = 'spec.template.spec.containers[name=app].image';
  await reported('demo-hello', {
    status: new RegExp(
      `"path":"${path.replace(/[[\].]/g, '\\$&')}","want":"${image}","live":"docker.io/library/busybox:1.36"`,
    ),
    diff: new RegExp(
      `~ Deployment/team-demo/demo-hello ${path.replace(/[[\].]/g, '\\$&')}: docker.io/library/busybox:1.36 \\(live\\), ${image} \\(values\\)`,
    ),
  });
  await repaired(
    'demo-hello',
    /repaired demo-hello: Deployment\/team-demo\/demo-hello spec\.template\.spec\.containers\[name=app\]\.image/,
  );
  assert.is((await hello()).spec?.template.spec?.containers[0]?.image, image);
});

test('a scale to 0: reported, and scaled back by a plain deploy', async () => {
  await kubectl('scale', 'deployment/demo-hello', '--replicas=0', '-n', 'team-demo');
  await reported('demo-hello', {
    status: /"path":"spec\.replicas","want":"1","live":"0"/,
    diff: /~ Deployment\/team-demo\/demo-hello spec\.replicas: 0 \(live\), 1 \(values\)/,
  });
  await repaired('demo-hello', /repaired demo-hello: Deployment\/team-demo\/demo-hello spec\.replicas/);
  assert.is((await hello()).spec?.replicas, 1);
});

test('a field an ignore rule in values names is not reported and not repaired; other drift still is', async () => {
  await repo.edit('common/settings.yaml', (settings) => {
    settings.platform.drift = { ignore: [{ kind: 'Deployment', name: 'demo-hello', path: 'spec.replicas' }] };
  });
  const applied = await deploy();
  assert.is(applied.code, 0, applied.stderr);
  await kubectl('scale', 'deployment/demo-hello', '--replicas=3', '-n', 'team-demo');

  const s = await status();
  assert.is(s.inSync, true, JSON.stringify(s.releases.find((r) => r.release === 'demo-hello')));
  assert.is((await diff('--detailed-exitcode')).code, 0);
  const r = await deploy();
  assert.is(actionOf(r.stderr, 'demo-hello'), 'unchanged', r.stderr);
  assert.is((await hello()).spec?.replicas, 3, 'the owner of the field keeps it');

  await kubectl(
    'set',
    'image',
    'deployment/demo-hello',
    'app=docker.io/library/busybox:1.36',
    '-n',
    'team-demo',
  );
  const drifted = (await status()).releases.find((x) => x.release === 'demo-hello');
  assert.is(drifted?.state, 'drifted');
  assert.equal(
    drifted?.drift?.flatMap((o) => o.changes.map((c) => c.path)),
    ['spec.template.spec.containers[name=app].image'],
  );
  const fixed = await deploy();
  assert.is(actionOf(fixed.stderr, 'demo-hello'), 'repaired', fixed.stderr);
});

test.run();
