// What charts we did not write need from the deploy engine, against the recording fakes: hooks are
// not waited for, a gate stops when its object is gone, the definers of a kind go before its users
// (from crds/ too, with no `needs:`), and helm's release size limit is checked before anything.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiException } from '@kubernetes/client-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { keptObjects, leftoverLine, plannedLeftovers } from '../../../core/deploy/leftovers.js';
import { planDeploy } from '../../../core/deploy/plan.js';
import { waitReady } from '../../../core/deploy/wait.js';
import {
  checkReleaseSizes,
  helmReleaseLimit,
  storedReleaseBytes,
} from '../../../core/render/release-size.js';
import { UserError } from '../../../core/shared/errors.js';
import { ExitCode } from '../../../core/shared/exit-codes.js';
import { coreRoot } from '../../../core/shared/paths.js';
import { deploy, fakes, release } from '../../helpers/deploy-fixture.js';

test('hook objects are not waited for: a hook-succeeded Job helm deleted does not hold the gate', async () => {
  const f = fakes();
  const r = release('10-base/cleanup');
  r.objects.push({
    kind: 'Job',
    apiVersion: 'batch/v1',
    name: 'cleanup-startup-check',
    namespace: 'ns-cleanup',
    hook: 'post-install,post-upgrade',
  });
  const report = await deploy(f, [r]);
  assert.is(report.record.outcome, 'succeeded');
  assert.equal(
    f.cluster.waited.map((t) => `${t.kind}/${t.name}`),
    ['Deployment/cleanup'],
  );
});

test('a release creating objects of a kind another release of its runlevel defines goes after it, without needs', async () => {
  const f = fakes();
  // The consumer sorts first and names no `needs`: only the kind it uses orders it.
  const consumer = release('10-base/a-consumer');
  consumer.objects.push({ kind: 'Backup', apiVersion: 'backup.example.test/v1alpha1', name: 'nightly' });
  const provider = { ...release('10-base/b-provider'), definesKinds: ['backup.example.test/Backup'] };
  const other = release('10-base/c-other');

  const plan = planDeploy({
    runlevels: [{ name: '10-base', settings: {} }],
    desired: [consumer, provider, other],
    deployed: {},
    helm: [],
  });
  assert.equal(
    plan.runlevels[0]?.waves.map((w) => w.map((p) => p.release.name)),
    [['b-provider'], ['c-other'], ['a-consumer']],
  );

  const report = await deploy(f, [consumer, provider, other]);
  assert.is(report.record.outcome, 'succeeded');
  const order = f.journal.filter((j) => j.startsWith('upgrade') || j.startsWith('wait'));
  assert.ok(
    order.indexOf('upgrade ns-b-provider/b-provider') < order.indexOf('wait ns-b-provider/b-provider'),
  );
  assert.ok(
    order.indexOf('wait ns-b-provider/b-provider') < order.indexOf('upgrade ns-a-consumer/a-consumer'),
    order.join('\n'),
  );
});

test('a kind defined in the same release orders nothing; one nobody defines here orders nothing', () => {
  const self = { ...release('10-base/operator'), definesKinds: ['example.test/Widget'] };
  self.objects.push({ kind: 'Widget', apiVersion: 'example.test/v1', name: 'w' });
  const user = release('10-base/user');
  user.objects.push({ kind: 'Gadget', apiVersion: 'elsewhere.test/v1', name: 'g' });
  const plan = planDeploy({
    runlevels: [{ name: '10-base', settings: {} }],
    desired: [self, user],
    deployed: {},
    helm: [],
  });
  assert.equal(
    plan.runlevels[0]?.waves.map((w) => w.map((p) => p.release.name)),
    [['operator'], ['user']],
  );
});

test('the gate stops at once when an object it waits for is gone, and says so', async () => {
  const reads: string[] = [];
  const api = {
    async read(o: { kind?: string; metadata?: { name?: string } }) {
      reads.push(`${o.kind}/${o.metadata?.name}`);
      if (o.kind === 'Job') throw new ApiException(404, 'not found', {}, {});
      return { kind: 'Deployment', metadata: { generation: 1 }, spec: { replicas: 1 }, status: {} };
    },
  };
  const targets = [
    { release: 'ns/app', apiVersion: 'apps/v1', kind: 'Deployment', name: 'app', namespace: 'ns' },
    { release: 'ns/app', apiVersion: 'batch/v1', kind: 'Job', name: 'migrate', namespace: 'ns' },
  ];
  // biome-ignore lint/suspicious/noExplicitAny: a two-method stand-in for the object API
  const gate = await waitReady(api as any, targets, { timeoutMs: 3_000, intervalMs: 10 });
  assert.is(gate.ok, false);
  const job = gate.notReady.find((n) => n.target.kind === 'Job');
  assert.is(job?.failed, true, 'gone is final, not pending');
  assert.match(job?.state ?? '', /^gone: deleted after helm created it/);
  assert.is(reads.filter((r) => r === 'Job/migrate').length, 1, 'one look was enough');
});

/** ConfigMaps of sha256-like lines, as the big-release test chart renders them. */
function bigManifest(configMaps: number, lines: number): string {
  let out = '';
  for (let c = 0; c < configMaps; c++) {
    out += `---\n# Source: big-release/templates/configmaps.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big-blob-${c}\ndata:\n  blob: |\n`;
    for (let i = 0; i < lines + c * 100; i++) {
      out += `    ${createHash('sha256').update(`big-${c}-${i}`).digest('hex')}\n`;
    }
  }
  return out;
}

const sized = (manifest: string) => ({
  runlevel: '95-upstream',
  name: 'big',
  namespace: 'upstream',
  manifest,
  values: { configMaps: 1 },
  chart: { path: 'test/fixtures/charts/big-release' },
});

test('a release over helm’s 1 MiB release Secret is refused before any change, naming its biggest objects', () => {
  const small = sized(bigManifest(1, 100));
  assert.ok(storedReleaseBytes(small) < 100_000);
  checkReleaseSizes([small]);

  const big = sized(bigManifest(12, 2000));
  assert.ok(storedReleaseBytes(big) > helmReleaseLimit, String(storedReleaseBytes(big)));
  try {
    checkReleaseSizes([small, big]);
    assert.unreachable('a release over the limit must be refused');
  } catch (err) {
    assert.instance(err, UserError);
    const e = err as UserError;
    assert.is(e.exitCode, ExitCode.deployFailed);
    assert.is(e.problems.length, 1);
    assert.match(
      e.problems[0]?.message ?? '',
      /release big \(runlevel 95-upstream\) would take about 1\.\d\d MiB/,
    );
    // The biggest first: blob 11 has the most lines.
    assert.match(
      e.problems[0]?.message ?? '',
      /Biggest objects: ConfigMap big-blob-11 \(\d+ KiB\), ConfigMap big-blob-10/,
    );
  }
});

test('destroy plans what helm leaves: crds/ CRDs and namespaces it created, not those a chart owns', () => {
  const left = plannedLeftovers([
    {
      name: 'b-provider',
      namespace: 'upstream',
      chartPath: 'charts/crd-provider',
      chartCrds: ['backups.backup.example.test'],
      ownNamespaces: [],
    },
    {
      name: 'platform-init',
      namespace: 'kube-system',
      chartPath: 'charts/platform-init',
      chartCrds: [],
      ownNamespaces: ['ingress-system'],
    },
    {
      name: 'ingress',
      namespace: 'ingress-system',
      chartPath: 'charts/ingress',
      chartCrds: [],
      ownNamespaces: [],
    },
    {
      name: 'policy',
      namespace: 'runlevel-system',
      chartPath: 'charts/policies',
      chartCrds: [],
      ownNamespaces: [],
    },
  ]);
  assert.equal(
    left.map((l) => `${l.kind} ${l.name}`),
    ['CustomResourceDefinition backups.backup.example.test', 'Namespace upstream'],
  );
  assert.match(left[0]?.why ?? '', 'crds/ of charts/crd-provider');
  assert.match(left[1]?.why ?? '', 'b-provider');
});

test('destroy plans what a chart marks helm.sh/resource-policy: keep, read from its render (keep-crd)', () => {
  const chart = join(coreRoot, 'test/fixtures/charts/keep-crd/templates');
  // What helm template writes for release "kept": the files as the render keeps them.
  const files = ['crd.yaml', 'state.yaml'].map((f) => ({
    source: `keep-crd/templates/${f}`,
    text: readFileSync(join(chart, f), 'utf8')
      .replace(/\{\{-? \/\*[\s\S]*?\*\/ -?\}\}\n?/g, '')
      .replace('{{ .Release.Name }}', 'kept'),
  }));
  const kept = keptObjects(files);
  assert.equal(kept, [
    {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      name: 'widgets.keep.example.test',
      source: 'keep-crd/templates/crd.yaml',
    },
    { apiVersion: 'v1', kind: 'ConfigMap', name: 'kept-state', source: 'keep-crd/templates/state.yaml' },
  ]);
  const left = plannedLeftovers([
    {
      name: 'kept',
      namespace: 'upstream',
      chartPath: 'charts/keep-crd',
      chartCrds: [],
      ownNamespaces: [],
      kept,
    },
  ]);
  assert.equal(left.map(leftoverLine), [
    'CRD widgets.keep.example.test (keep-crd/templates/crd.yaml marks it helm.sh/resource-policy: keep)',
    'ConfigMap upstream/kept-state (keep-crd/templates/state.yaml marks it helm.sh/resource-policy: keep)',
    'namespace upstream (made by helm --create-namespace for kept)',
  ]);
});

test.run();
