import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Finding } from '../../../core/check/findings.js';
import { makeReport } from '../../../core/check/findings.js';
import { lineOfPointer } from '../../../core/check/locate.js';
import { exitCodeOf, formatText } from '../../../core/check/report.js';
import { problems } from '../../../core/check/schemas.js';
import { policySettings } from '../../../core/check/settings.js';
import { resolvedValues } from '../../helpers/resolved-values.js';

const finding = (severity: Finding['severity'], file = 'a.yaml', line = 3): Finding => ({
  rule: 'privileged',
  severity,
  object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'team-a', name: 'web' },
  runlevel: '90-apps',
  release: 'team-a-web',
  file,
  line,
  message: 'container "web" runs privileged',
  hint: 'remove it',
});

test('errors fail; warnings fail only with --strict', () => {
  assert.is(exitCodeOf(makeReport(1, [finding('error')]), false), 4);
  assert.is(exitCodeOf(makeReport(1, [finding('warning')]), false), 0);
  assert.is(exitCodeOf(makeReport(1, [finding('warning')]), true), 4);
  assert.is(exitCodeOf(makeReport(1, []), true), 0);
});

test('findings are sorted by file and line and printed with place, object, release and hint', () => {
  const report = makeReport(2, [finding('error', 'b.yaml', 1), finding('warning', 'a.yaml', 9)]);
  assert.is(
    formatText(report),
    [
      '⚠ a.yaml:9  privileged  Deployment team-a/web  (release 90-apps/team-a-web)',
      '    container "web" runs privileged',
      '    hint: remove it',
      '✗ b.yaml:1  privileged  Deployment team-a/web  (release 90-apps/team-a-web)',
      '    container "web" runs privileged',
      '    hint: remove it',
      '2 objects checked: 1 error, 1 warning',
      '',
    ].join('\n'),
  );
});

test("kubeconform's message becomes one problem per failed field", () => {
  const msg =
    "problem validating schema. Check JSON formatting: jsonschema validation failed with 'file:///s/deployment-apps-v1.json#' - at '/spec': validation failed   - at '/spec/replicas': got string, want null or integer   - at '/spec/template/spec/containers/0': additional properties 'imagee' not allowed";
  assert.equal(problems({ msg, kind: 'Deployment', status: 'statusInvalid' }), [
    { path: '/spec/replicas', message: 'got string, want null or integer', rule: 'schema/type' },
    {
      path: '/spec/template/spec/containers/0',
      message: "additional properties 'imagee' not allowed",
      rule: 'schema/unknown-field',
    },
  ]);
  assert.equal(
    problems({ msg: 'could not find schema for Widget', kind: 'Widget', status: 'statusError' })[0]?.rule,
    'schema/unknown-kind',
  );
});

test('a JSON pointer finds its line in the rendered document', () => {
  const doc = {
    line: 10,
    text: '# Source: x\napiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: a\n    - name: b\n      image: x\n',
  };
  assert.is(lineOfPointer(doc, '/spec/containers/1/image'), 17);
  assert.is(lineOfPointer(doc, '/spec/containers/1'), 16);
  assert.is(lineOfPointer(doc, '/spec/missing'), 13);
});

test('policy settings: defaults, team exceptions as namespaces, parameters from values', () => {
  const s = policySettings(
    resolvedValues({
      cluster: { domain: 'dev.example.com' },
      platform: {
        registry: { mirror: 'mirror.example.com' },
        policies: {
          privileged: { enforcement: 'warn', exceptions: { namespaces: ['kube-system'], teams: ['a'] } },
          resources: { enabled: false },
        },
      },
    }),
  );
  assert.equal(s.privileged, {
    enabled: true,
    enforcement: 'warn',
    excludedNamespaces: ['kube-system', 'team-a'],
    parameters: {},
  });
  assert.is(s.resources?.enabled, false);
  assert.equal(s['ingress-host']?.parameters, { domain: 'dev.example.com' });
  assert.equal(s['allowed-registries']?.parameters, {
    mirror: 'mirror.example.com',
    allowed: ['docker.io', 'quay.io', 'registry.k8s.io', 'ghcr.io'],
  });
  assert.equal(Object.keys(s).length, 7);
});

test.run();
