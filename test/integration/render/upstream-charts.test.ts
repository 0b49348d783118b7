// Charts we did not write, rendered by the real helm through renderPlatform: for the target
// Kubernetes (not helm's v1.20.0) with the platform's CRDs known, every broken release reported in
// one run, values strings kept strings, hooks and non-repeatable objects marked.
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAllDocuments } from 'yaml';
import { chartCrds } from '../../../core/check/chart-crds.js';
import { targetCapabilities } from '../../../core/render/capabilities.js';
import { type RenderResult, renderPlatform } from '../../../core/render/index.js';
import { UserError } from '../../../core/shared/errors.js';
import { ExitCode } from '../../../core/shared/exit-codes.js';
import { fixture, removeFixture } from '../../helpers/fixture.js';
import { resolvedValues } from '../../helpers/resolved-values.js';
import { testCharts, upstreamRunlevel } from '../../helpers/upstream-runlevel.js';

const strings = { feature: 'on', confirm: 'yes', disabled: 'off', answer: 'NO', mode: '0755' };

async function renderRunlevel(
  releases: Parameters<typeof upstreamRunlevel>[1],
  capabilities?: Parameters<typeof renderPlatform>[0]['capabilities'],
): Promise<RenderResult> {
  const dir = await fixture({
    'helmfile.d/50-upstream.yaml.gotmpl': upstreamRunlevel('50-upstream', releases),
  });
  try {
    return await renderPlatform({
      values: resolvedValues(),
      helmfileDir: join(dir, 'helmfile.d'),
      capabilities,
    });
  } finally {
    await removeFixture(dir);
  }
}

function object(result: RenderResult, kind: string, name: string): Record<string, unknown> {
  for (const r of result.releases) {
    for (const doc of parseAllDocuments(r.manifest)) {
      const o = doc.toJS() as { kind?: string; metadata?: { name?: string } } | null;
      if (o?.kind === kind && o.metadata?.name === name) return o as Record<string, unknown>;
    }
  }
  throw new Error(`no ${kind} ${name} rendered`);
}

test('a chart requiring kubeVersion >= 1.22 renders, for the pinned Kubernetes and its API versions', async () => {
  const result = await renderRunlevel([{ name: 'caps', chart: 'kube-version' }]);
  const data = object(result, 'ConfigMap', 'caps-capabilities').data as Record<string, string>;
  assert.match(data.kubeVersion ?? '', /^v1\.35\.\d+$/);
  assert.is(data.pdbApi, 'policy/v1', 'group/version/Kind entries are given');
  assert.is(object(result, 'PodDisruptionBudget', 'caps').apiVersion, 'policy/v1');
});

test('the API versions of the platform’s CRDs reach .Capabilities.APIVersions.Has', async () => {
  const platformCrds = chartCrds(join(testCharts, 'monitored-app')).map((c) => c.body);
  const without = await renderRunlevel([{ name: 'caps', chart: 'kube-version' }], targetCapabilities({}));
  const withCrds = await renderRunlevel(
    [{ name: 'caps', chart: 'kube-version' }],
    targetCapabilities({ platformCrds }),
  );
  const has = (r: RenderResult) =>
    (object(r, 'ConfigMap', 'caps-capabilities').data as Record<string, string>).metricsTarget;
  assert.is(has(without), 'false');
  assert.is(has(withCrds), 'true');
});

test('every broken release is reported in one run, each with its release, chart and cause', async () => {
  try {
    await renderRunlevel(
      [
        { name: 'a-caps', chart: 'kube-version' },
        { name: 'b-fine', chart: 'yaml11-strings', values: { settings: strings } },
        { name: 'c-strings', chart: 'yaml11-strings', values: { settings: { port: 8080 } } },
      ],
      targetCapabilities({ settings: { kubernetesVersion: '1.19' } }),
    );
    assert.unreachable('two releases are broken');
  } catch (err) {
    assert.instance(err, UserError);
    const e = err as UserError;
    assert.is(e.exitCode, ExitCode.renderFailed);
    const text = e.problems.map((p) => `${p.where ? `${p.where.file}: ` : ''}${p.message}`).join('\n');
    assert.match(
      text,
      /release a-caps \(runlevel 50-upstream, chart kube-version\)[^\n]*kubeVersion: >= 1\.22\.0-0 which is incompatible with Kubernetes v1\.19\.0/,
    );
    assert.match(
      text,
      /release c-strings \(runlevel 50-upstream, chart yaml11-strings\): values do not match[^\n]*/,
    );
    assert.not.match(text, 'b-fine');
  }
});

test('YAML 1.1 booleans and octal-looking strings reach the ConfigMap as strings', async () => {
  const result = await renderRunlevel([
    { name: 'strings', chart: 'yaml11-strings', values: { settings: strings } },
  ]);
  // The chart's own defaults ("NO", "off") merge under the release's values.
  assert.equal(object(result, 'ConfigMap', 'strings-settings').data, {
    country: 'NO',
    legacy: 'off',
    ...strings,
  });
});

test('hooks and objects a render cannot repeat are marked in the render', async () => {
  const result = await renderRunlevel([
    { name: 'cleanup', chart: 'hook-cleanup' },
    { name: 'lk', chart: 'lookup-secret' },
    { name: 'pw', chart: 'random-password' },
    { name: 'tests', chart: 'test-hooks' },
  ]);
  const objects = result.releases.flatMap((r) => r.objects.map((o) => ({ release: r.name, ...o })));
  const marks = objects
    .filter((o) => o.hook || o.varies)
    .map((o) => `${o.release} ${o.kind}/${o.name} hook=${o.hook ?? ''} varies=${o.varies ?? ''}`)
    .sort();
  assert.equal(marks, [
    'cleanup Job/cleanup-startup-check hook=post-install,post-upgrade varies=',
    'lk Secret/lk-admin hook= varies=lookup',
    'pw Secret/pw-token hook= varies=random',
    'tests Pod/tests-test-connection hook=test varies=',
    'tests Pod/tests-test-legacy hook=test-success varies=',
  ]);
});

test.run();
