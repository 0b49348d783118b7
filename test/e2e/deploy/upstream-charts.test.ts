// Charts we did not write, deployed by the real CLI on a local cluster of this file's own (it adds
// CRDs and namespaces and destroys with --purge): a core copy whose one runlevel releases the test
// charts. Values that YAML 1.1 would read as booleans arrive as strings; a hook Job helm deletes on
// success does not hold the gate; a release using a CRD another release installs from crds/ goes
// after it with no `needs:`; a release over helm's size limit is refused before any change; a
// dashboard's JSON with "now" in it is no varying object, and a change beside a clock-stamped field
// is a change; destroy lists what helm leaves (crds/, objects marked keep) and --purge removes it.
import { join } from 'node:path';
import { ApiextensionsV1Api, CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { clusterDown, clusterUp } from '../../../core/cluster/index.js';
import { helmDocuments } from '../../../core/render/manifests.js';
import { storedReleaseBytes } from '../../../core/render/release-size.js';
import { isNotFound, loadKubeConfig } from '../../../core/shared/kube.js';
import { runCli } from '../../helpers/cli.js';
import { type CoreCopy, copyOfCore } from '../../helpers/core-copy.js';
import { fixture, removeFixture } from '../../helpers/fixture.js';
import { helmReleasesByName } from '../../helpers/kube.js';
import { type TestRelease, testCharts, upstreamRunlevel } from '../../helpers/upstream-runlevel.js';
import { initValuesRepo, type ValuesRepo } from '../../helpers/values-repo.js';

let stateDir = '';
let kubeconfig = '';
let repo: ValuesRepo;
let core: CoreCopy;

const strings = { feature: 'on', confirm: 'yes', disabled: 'off', answer: 'NO', mode: '0755' };
const chartNames = [
  'crd-consumer',
  'crd-provider',
  'yaml11-strings',
  'hook-cleanup',
  'kube-version',
  'monitored-app',
  'random-password',
  'big-release',
  'dashboard-json',
  'keep-crd',
];

/** The consumer sorts before its provider and names no `needs`: only the kind it uses orders it. */
function releases(
  extra: { big?: Record<string, unknown>; note?: string; dash?: Record<string, unknown> } = {},
): TestRelease[] {
  const note = extra.note ? { note: extra.note } : {};
  return [
    { name: 'a-consumer', chart: 'crd-consumer' },
    { name: 'b-provider', chart: 'crd-provider' },
    { name: 'strings', chart: 'yaml11-strings', values: { settings: strings } },
    { name: 'cleanup', chart: 'hook-cleanup', values: note },
    { name: 'caps', chart: 'kube-version' },
    { name: 'shop', chart: 'monitored-app' },
    { name: 'pw', chart: 'random-password', values: note },
    { name: 'big', chart: 'big-release', values: extra.big ?? { configMaps: 3, linesPerConfigMap: 2000 } },
    { name: 'dash', chart: 'dashboard-json', values: extra.dash ?? {} },
    { name: 'kept', chart: 'keep-crd' },
  ];
}

const runlevelText = (extra?: Parameters<typeof releases>[0]) =>
  upstreamRunlevel('50-upstream', releases(extra), { charts: join(core.root, 'charts'), timeout: '60s' });

const cli = (...args: string[]) =>
  runCli([...args, '--cluster', 'dev', '--values', repo.dir, '--kubeconfig', kubeconfig], {
    core: core.root,
    timeoutMs: 300_000,
  });

const kc = () => loadKubeConfig(kubeconfig);

test.before(async () => {
  stateDir = await fixture({}, 'runlevel-upstream-');
  kubeconfig = (await clusterUp({ stateDir })).kubeconfig;
  repo = await initValuesRepo('dev');
  core = await copyOfCore({
    runlevels: {},
    charts: Object.fromEntries(chartNames.map((c) => [c, join(testCharts, c)])),
  });
  await core.writeRunlevel('50-upstream.yaml.gotmpl', runlevelText());
});

test.after(async () => {
  await clusterDown({ stateDir, purge: true });
  await removeFixture(stateDir);
  await repo?.remove();
  await core?.remove();
});

test('template renders for the pinned Kubernetes with the platform’s CRDs, and says what it cannot repeat', async () => {
  const r = await runCli(['template', '--cluster', 'dev', '--values', repo.dir], { core: core.root });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /kubeVersion: "v1\.35\.\d+"/);
  assert.match(r.stdout, 'metricsTarget: "true"');
  assert.match(r.stdout, 'pdbApi: policy/v1\n');
  assert.match(r.stderr, /pw: Secret upstream\/pw-token uses randomness: every render differs/);
  assert.match(r.stderr, /dash: ConfigMap upstream\/dash-settings uses the clock/);
  assert.not.match(r.stderr, 'dash-dashboard', '"now" in the JSON of a raw string is text');
});

test('one deploy: CRD definers first, YAML 1.1 strings kept, a hook-succeeded Job does not hold the gate', async () => {
  const r = await cli('deploy', '--concurrency', '1');
  assert.is(r.code, 0, r.stderr);
  const helm = await helmReleasesByName(kubeconfig);
  for (const name of [
    'a-consumer',
    'b-provider',
    'strings',
    'cleanup',
    'caps',
    'shop',
    'pw',
    'big',
    'dash',
    'kept',
  ]) {
    assert.is(helm.get(name)?.status, 'deployed', name);
    assert.is(helm.get(name)?.revision, 1, `${name} was not rolled back or retried`);
  }
  const core1 = kc().makeApiClient(CoreV1Api);
  const settings = await core1.readNamespacedConfigMap({ name: 'strings-settings', namespace: 'upstream' });
  assert.equal(settings.data, { country: 'NO', legacy: 'off', ...strings });
  const backup = await kc().makeApiClient(CustomObjectsApi).getNamespacedCustomObject({
    group: 'backup.example.test',
    version: 'v1alpha1',
    namespace: 'upstream',
    plural: 'backups',
    name: 'a-consumer-nightly',
  });
  assert.is((backup as { spec: { keep: number } }).spec.keep, 7);
  const caps = await core1.readNamespacedConfigMap({ name: 'caps-capabilities', namespace: 'upstream' });
  assert.is(caps.data?.metricsTarget, 'true');
});

test('the estimate of helm’s stored release is close to the Secret helm wrote', async () => {
  const secret = await kc()
    .makeApiClient(CoreV1Api)
    .readNamespacedSecret({ name: 'sh.helm.release.v1.big.v1', namespace: 'upstream' });
  const actual = 'release'.length + Buffer.from(secret.data?.release ?? '', 'base64').length;
  const r = await runCli(['template', '--cluster', 'dev', '--values', repo.dir], { core: core.root });
  assert.is(r.code, 0, r.stderr);
  const manifest = helmDocuments(r.stdout)
    .filter((d) => d.source.startsWith('big-release/'))
    .map((d) => d.text)
    .join('');
  const estimate = storedReleaseBytes({
    runlevel: '50-upstream',
    name: 'big',
    namespace: 'upstream',
    manifest,
    values: { configMaps: 3, linesPerConfigMap: 2000 },
    chart: { path: join(core.root, 'charts/big-release') },
  });
  assert.ok(actual > 200_000, `a big release: ${actual} bytes`);
  assert.ok(Math.abs(estimate - actual) / actual < 0.05, `estimate ${estimate}, helm stored ${actual}`);
});

test('diff lists objects rendered with randomness apart, and compares hooks with those helm stored', async () => {
  await core.writeRunlevel('50-upstream.yaml.gotmpl', runlevelText({ note: 'changed' }));
  const r = await cli('diff');
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /~ pw \(upstream\): upgrade \(changed\): 0 added, 0 changed, 0 removed/);
  assert.match(r.stdout, '? Secret/pw-token: differs, but it is rendered with random');
  assert.match(r.stdout, /~ cleanup \(upstream\): upgrade \(changed\): 0 added, 0 changed, 0 removed/);
  await core.writeRunlevel('50-upstream.yaml.gotmpl', runlevelText());
});

test('diff: a change beside a clock-stamped field is a change, shown without that field', async () => {
  await core.writeRunlevel(
    '50-upstream.yaml.gotmpl',
    runlevelText({ dash: { title: 'Latency', refresh: '1m' } }),
  );
  const r = await cli('diff', '--detailed-exitcode');
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stdout, /~ dash \(upstream\): upgrade \(changed\): 0 added, 2 changed, 0 removed/);
  assert.match(r.stdout, '~ ConfigMap/dash-dashboard\n');
  assert.match(
    r.stdout,
    '~ ConfigMap/dash-settings (left out, rendered with time: metadata.annotations.example.test/rendered-at)',
  );
  assert.match(r.stdout, /\+\s+refresh: 1m/);
  assert.not.match(r.stdout, /\? ConfigMap\/dash-/);
  await core.writeRunlevel('50-upstream.yaml.gotmpl', runlevelText());
});

test('a release over helm’s size limit is refused before anything changes, naming its biggest objects', async () => {
  await core.writeRunlevel(
    '50-upstream.yaml.gotmpl',
    runlevelText({ big: { configMaps: 12, linesPerConfigMap: 2000 } }),
  );
  const r = await cli('deploy');
  assert.is(r.code, 5, r.stderr);
  assert.match(r.stderr, /release big \(runlevel 50-upstream\) would take about 1\.\d\d MiB/);
  assert.match(r.stderr, /Biggest objects: ConfigMap big-blob-\d+ \(\d+ KiB\)/);
  assert.is((await helmReleasesByName(kubeconfig)).get('big')?.revision, 1, 'nothing was deployed');
  await core.writeRunlevel('50-upstream.yaml.gotmpl', runlevelText());
});

test('destroy lists the CRDs and namespace helm leaves; --purge deletes them', async () => {
  const r = await cli('destroy', '--yes');
  assert.is(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    /CRD backups\.backup\.example\.test \(crds\/ of charts\/crd-provider; helm never deletes CRDs\)/,
  );
  assert.match(r.stderr, 'CRD metricstargets.monitoring.example.test');
  assert.match(r.stderr, /namespace upstream \(made by helm --create-namespace for /);
  assert.match(
    r.stderr,
    'CRD widgets.keep.example.test (keep-crd/templates/crd.yaml marks it helm.sh/resource-policy: keep)',
  );
  assert.match(
    r.stderr,
    'ConfigMap upstream/kept-state (keep-crd/templates/state.yaml marks it helm.sh/resource-policy: keep)',
  );
  const purged = await cli('destroy', '--yes', '--purge');
  assert.is(purged.code, 0, purged.stderr);
  const ext = kc().makeApiClient(ApiextensionsV1Api);
  const gone = async (what: string, read: () => Promise<unknown>) => {
    try {
      await read();
      assert.unreachable(`${what} is deleted`);
    } catch (err) {
      assert.ok(isNotFound(err), `${what}: ${String(err)}`);
    }
  };
  await gone('the crds/ CRD', () =>
    ext.readCustomResourceDefinition({ name: 'backups.backup.example.test' }),
  );
  // --purge waits for what it deletes: gone when the command returns.
  await gone('the kept CRD', () => ext.readCustomResourceDefinition({ name: 'widgets.keep.example.test' }));
  await gone('the kept ConfigMap', () =>
    kc().makeApiClient(CoreV1Api).readNamespacedConfigMap({ name: 'kept-state', namespace: 'upstream' }),
  );
});

test.run();
