// What charts we did not write need from the render side, without tools: the target cluster's
// capabilities, the values bytes helm reads, helm's whole error, every failure in one error, and
// which objects a render cannot repeat (lookup, randomness).
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse, stringify } from 'yaml';
import { chartCrds } from '../../../core/check/chart-crds.js';
import { diffManifests } from '../../../core/diff/objects.js';
import {
  builtInApiVersions,
  crdApiVersions,
  normaliseKubeVersion,
  targetCapabilities,
} from '../../../core/render/capabilities.js';
import { oneRenderError } from '../../../core/render/failures.js';
import { varyingSources } from '../../../core/render/varying.js';
import { UserError } from '../../../core/shared/errors.js';
import { trimStderr } from '../../../core/shared/exec.js';
import { ExitCode } from '../../../core/shared/exit-codes.js';
import { coreRoot } from '../../../core/shared/paths.js';
import { pinnedVersion } from '../../../core/shared/tools.js';
import { objectHeader } from '../../../core/shared/yaml/object-header.js';
import { fixture, removeFixture } from '../../helpers/fixture.js';
import { helmTemplateArgs, helmValuesInput } from '../../helpers/spawn-helm.js';

const charts = join(coreRoot, 'test/fixtures/charts');

test('offline, charts render for the pinned Kubernetes with its built-in kinds, never helm’s v1.20.0', () => {
  const caps = targetCapabilities({});
  assert.is(caps.kubeVersion, pinnedVersion('kube-apiserver'));
  assert.match(caps.kubeVersion, /^v1\.35\.\d+$/);
  for (const v of [
    'v1',
    'v1/ConfigMap',
    'apps/v1/Deployment',
    'policy/v1',
    'policy/v1/PodDisruptionBudget',
  ]) {
    assert.ok(caps.apiVersions.includes(v), v);
  }
  assert.equal(caps.apiVersions, [...caps.apiVersions].sort());
});

test('values name the version and extra API versions; a reachable cluster overrides them', () => {
  const settings = { kubernetesVersion: '1.31.2', apiVersions: ['cert-manager.io/v1/Issuer'] };
  const offline = targetCapabilities({ settings });
  assert.is(offline.kubeVersion, 'v1.31.2');
  assert.ok(offline.apiVersions.includes('cert-manager.io/v1/Issuer'));
  const live = targetCapabilities({
    settings,
    live: { kubeVersion: 'v1.33.1', apiVersions: ['v1', 'v1/Pod', 'apps/v1'] },
  });
  assert.is(live.kubeVersion, 'v1.33.1');
  assert.ok(live.apiVersions.includes('v1/Pod'));
  assert.not.ok(live.apiVersions.includes('apps/v1/Deployment'), 'the cluster’s list, not the built-in one');
  assert.is(normaliseKubeVersion('1.35', 'v1.35.4'), 'v1.35.4');
  assert.is(normaliseKubeVersion('1.30', 'v1.35.4'), 'v1.30.0');
  assert.is(normaliseKubeVersion('v1.29.3-eks-1', 'v1.35.4'), 'v1.29.3-eks-1');
  assert.ok(builtInApiVersions('v1.35.0').includes('batch/v1/Job'));
});

test('the API versions of CRDs the platform defines, from a sub-chart’s crds/, are in the render', () => {
  const crds = chartCrds(join(charts, 'monitored-app')).map((c) => c.body);
  assert.equal(crdApiVersions(crds), [
    'monitoring.example.test/v1',
    'monitoring.example.test/v1/MetricsTarget',
  ]);
  const caps = targetCapabilities({ platformCrds: crds });
  assert.ok(caps.apiVersions.includes('monitoring.example.test/v1/MetricsTarget'));
  const args = helmTemplateArgs({ name: 'shop', namespace: 'shop', chartDir: '/c', capabilities: caps });
  assert.equal(args.slice(0, 9), [
    'template',
    'shop',
    '/c',
    '--namespace',
    'shop',
    '--values',
    '-',
    '--kube-version',
    caps.kubeVersion,
  ]);
  assert.is(args[9], '--api-versions');
  assert.ok(args[10]?.split(',').includes('monitoring.example.test/v1/MetricsTarget'));
});

test('template and upgrade get the same values bytes, which YAML 1.1 reads as the strings they are', () => {
  const values = { settings: { feature: 'on', confirm: 'yes', disabled: 'off', answer: 'NO', mode: '0755' } };
  const input = helmValuesInput(values);
  assert.equal(parse(input, { version: '1.1' }), values);
  // What a YAML serialiser wrote before: helm's YAML 1.1 reader turned these into booleans and a number.
  const before = parse(stringify(values), { version: '1.1' }) as typeof values;
  assert.is.not(before.settings.feature, 'on');
});

test('helm’s error keeps the cause under "1 error occurred:", and drops only noise', () => {
  const stderr = [
    'WARNING: Kubernetes configuration file is group-readable. This is insecure. Location: /x',
    'Error: UPGRADE FAILED: 1 error occurred:',
    '\t* Secret "sh.helm.release.v1.big.v2" is forbidden: exceeded quota: objects, requested: 1',
    '',
    'Use --debug flag to see more',
  ].join('\n');
  assert.is(
    trimStderr(stderr),
    'Error: UPGRADE FAILED: 1 error occurred:\n\t* Secret "sh.helm.release.v1.big.v2" is forbidden: exceeded quota: objects, requested: 1',
  );
  const long = [
    ...Array.from({ length: 30 }, (_, i) => `walk.go:74: found symbolic link in path: /x/${i}`),
    'Error: 2 errors occurred:',
    '\t* resource mapping not found for name: "a" namespace: "" from "": no matches for kind "Backup"',
    '\t* ensure CRDs are installed first',
  ].join('\n');
  assert.match(
    trimStderr(long),
    /Error: 2 errors occurred:\n\t\* resource mapping[^\n]*\n\t\* ensure CRDs are installed first$/,
  );
});

test('several failures become one error keeping each one’s place and hint; one stays itself', () => {
  const a = new UserError('release a (runlevel 50-x, chart kube-version): helm template failed', {
    exitCode: ExitCode.renderFailed,
    problems: [
      { message: 'chart requires kubeVersion: >= 1.22.0-0 which is incompatible with Kubernetes v1.19.0' },
    ],
  });
  const b = new UserError(
    "release b (runlevel 50-x, chart yaml11-strings): values do not match the chart's values.schema.json",
    {
      exitCode: ExitCode.renderFailed,
      problems: [{ message: 'got number', where: { file: 'common/apps/b.yaml', line: 3, col: 5 } }],
      hint: 'fix the values file',
    },
  );
  assert.is(oneRenderError([a]), a);
  const both = oneRenderError([a, b]) as UserError;
  assert.is(both.exitCode, ExitCode.renderFailed);
  assert.match(both.message, '2 releases or runlevels');
  assert.equal(
    both.problems.map((p) => p.message.split(':')[0]),
    ['release a (runlevel 50-x, chart kube-version)', 'release b (runlevel 50-x, chart yaml11-strings)'],
  );
  assert.equal(both.problems[1]?.where, { file: 'common/apps/b.yaml', line: 3, col: 5 });
  assert.is(both.problems[1]?.hint, 'fix the values file');
});

test('hook objects say which hook they are', () => {
  const head = objectHeader(
    'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: x-startup-check\n  annotations:\n    helm.sh/hook: post-install, post-upgrade\n',
  );
  assert.equal(head, {
    apiVersion: 'batch/v1',
    kind: 'Job',
    name: 'x-startup-check',
    namespace: undefined,
    hook: 'post-install,post-upgrade',
  });
  assert.is(objectHeader('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n')?.hook, undefined);
});

test('templates using lookup or randomness are found, through helpers, in sub-charts too', async () => {
  assert.equal(
    [...varyingSources(join(charts, 'random-password'))],
    [['random-password/templates/secret.yaml', ['random']]],
  );
  assert.equal(
    [...varyingSources(join(charts, 'lookup-secret'))],
    [['lookup-secret/templates/secret.yaml', ['lookup']]],
  );
  assert.equal(varyingSources(join(charts, 'yaml11-strings')).size, 0);
  const dir = await fixture({
    'Chart.yaml': 'apiVersion: v2\nname: parent\nversion: 0.1.0\n',
    'templates/_helpers.tpl':
      '{{- define "parent.token" -}}\n{{- if .Values.token }}{{ .Values.token }}{{ else }}{{ include "sub.random" . }}{{ end }}\n{{- end }}\n{{- define "parent.name" -}}app{{- end }}\n',
    'templates/secret.yaml': 'kind: Secret\ndata:\n  token: {{ include "parent.token" . | b64enc }}\n',
    'templates/config.yaml':
      'kind: ConfigMap\ndata:\n  name: {{ include "parent.name" . }}\n  # randAlphaNum in a YAML comment is no call\n',
    'templates/cert.yaml': '{{- $ca := genCA "x" 365 }}\nkind: Secret\n',
    'charts/sub/Chart.yaml': 'apiVersion: v2\nname: sub\nversion: 0.1.0\n',
    'charts/sub/templates/_lib.tpl': '{{ define "sub.random" }}{{ randAlphaNum 16 }}{{ end }}',
    'charts/sub/templates/lookup.yaml':
      '{{ $s := lookup "v1" "Secret" .Release.Namespace "x" }}kind: Secret\n',
  });
  try {
    assert.equal(Object.fromEntries(varyingSources(dir)), {
      'parent/templates/cert.yaml': ['random'],
      'parent/templates/secret.yaml': ['random'],
      'parent/charts/sub/templates/lookup.yaml': ['lookup'],
    });
  } finally {
    await removeFixture(dir);
  }
});

test('diff: a differing object rendered with randomness is listed apart, not as a change; test hooks never', () => {
  const doc = (source: string, body: string) => `---\n# Source: ${source}\n${body}`;
  const deployed = [
    doc(
      'app/templates/secret.yaml',
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: token\nstringData:\n  token: aaaa\n',
    ),
    doc('app/templates/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  a: "1"\n'),
  ].join('');
  const desired = [
    doc(
      'app/templates/secret.yaml',
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: token\nstringData:\n  token: bbbb\n',
    ),
    doc('app/templates/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  a: "1"\n'),
    doc(
      'app/templates/tests/test.yaml',
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: app-test\n  annotations:\n    helm.sh/hook: test\n',
    ),
  ].join('');
  const plain = diffManifests(deployed, desired);
  assert.equal(plain.added, [], 'a test hook is never added: upgrade does not create it');
  assert.equal(
    plain.changed.map((c) => c.name),
    ['token'],
  );
  const marked = diffManifests(
    deployed,
    desired,
    new Map([['app/templates/secret.yaml', { varies: ['random'], fields: [['stringData', 'token']] }]]),
  );
  assert.equal(marked.changed, []);
  assert.equal(
    marked.varying?.map((v) => [v.name, v.varies]),
    [['token', ['random']]],
  );
  assert.not.match(JSON.stringify(marked), /aaaa|bbbb/, 'Secret values stay masked');
});

test.run();
