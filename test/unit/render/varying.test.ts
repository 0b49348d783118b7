// Varying objects found from template actions only (render/template-lexer.ts, render/varying.ts),
// and a diff that leaves out just their varying fields (diff/objects.ts): never a hidden change.
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { diffManifests } from '../../../core/diff/objects.js';
import { templateActions } from '../../../core/render/template-lexer.js';
import { varyingSources, varyingTemplates } from '../../../core/render/varying.js';
import { coreRoot } from '../../../core/shared/paths.js';
import { fixture, removeFixture } from '../../helpers/fixture.js';

const charts = join(coreRoot, 'test/fixtures/charts');
const words = (text: string) =>
  templateActions(text)
    .filter((a) => !a.comment)
    .map((a) => a.tokens.filter((t) => t.kind === 'word').map((t) => t.text));

test('the lexer reads raw strings, strings, comments and trim markers as Go templates do', () => {
  assert.equal(words('a: {{`{"to":"now"}`}}'), [[]]);
  assert.equal(words('a: {{ "now }}" | quote }} b: {{ now }}'), [['quote'], ['now']]);
  assert.equal(words("{{- /* now */ -}}{{/* randAlphaNum\n 8 */}}{{ 'n' }}"), [[]]);
  assert.equal(words('{{- .Values.now -}} {{ $now := 1 }} {{- now -}}'), [[], [], ['now']]);
  assert.equal(words('{{ x-1 }}'), [['x']], 'a minus without a space before }} is no trim marker');
  const multi = templateActions('a\n{{ `x\ny` }}\nb: {{ now }}');
  assert.equal(
    multi.map((a) => a.line),
    [2, 4],
  );
});

test('the word now in raw-string JSON, a string or a comment is no call (dashboard-json)', () => {
  // On the tokenless scan, dashboard.yaml was "uses the clock" for the "now" of its JSON.
  assert.equal(Object.fromEntries(varyingSources(join(charts, 'dashboard-json'))), {
    'dashboard-json/templates/settings.yaml': ['time'],
  });
});

test('the fields a varying action writes: through variables, helpers and block scalars', async () => {
  assert.equal(
    varyingTemplates(join(charts, 'dashboard-json')).get('dashboard-json/templates/settings.yaml'),
    {
      varies: ['time'],
      fields: [['metadata', 'annotations', 'example.test/rendered-at']],
    },
  );
  assert.equal(
    varyingTemplates(join(charts, 'random-password')).get('random-password/templates/secret.yaml')?.fields,
    [['stringData', 'token']],
  );
  assert.equal(
    varyingTemplates(join(charts, 'lookup-secret')).get('lookup-secret/templates/secret.yaml')?.fields,
    [['data', 'password']],
  );
  const dir = await fixture({
    'Chart.yaml': 'apiVersion: v2\nname: app\nversion: 0.1.0\n',
    'templates/_helpers.tpl': [
      '{{- define "app.secretData" -}}',
      'user: {{ .Values.user | b64enc }}',
      'password: {{ randAlphaNum 12 | b64enc }}',
      '{{- end }}',
      '{{- define "app.stamp" -}}{{ now | date "2006" }}{{- end }}',
      '',
    ].join('\n'),
    'templates/secret.yaml': [
      'kind: Secret',
      'metadata:',
      '  annotations:',
      '    built: {{ include "app.stamp" . | quote }}',
      'data:',
      '  {{- include "app.secretData" . | nindent 2 }}',
      'stringData:',
      '  script: |',
      '    echo {{ uuidv4 }}',
      '  plain: {{ .Values.plain }}',
      '',
    ].join('\n'),
    'templates/list.yaml': [
      'kind: Pod',
      'spec:',
      '  containers:',
      '  - name: a',
      '    env:',
      '      - name: SEED',
      '        value: {{ randNumeric 4 | quote }}',
      '',
    ].join('\n'),
  });
  try {
    const found = varyingTemplates(dir);
    assert.equal(found.get('app/templates/secret.yaml'), {
      varies: ['random', 'time'],
      fields: [
        ['data', 'password'],
        ['metadata', 'annotations', 'built'],
        ['stringData', 'script'],
      ],
    });
    assert.equal(found.get('app/templates/list.yaml')?.fields, [['spec', 'containers', 'env', 'value']]);
  } finally {
    await removeFixture(dir);
  }
});

const doc = (body: string) => `---\n# Source: dashboard-json/templates/settings.yaml\n${body}`;
const settings = (stamp: string, refresh: string) =>
  doc(
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: d-settings\n  annotations:\n    example.test/rendered-at: "${stamp}"\ndata:\n  refresh: "${refresh}"\n`,
  );

test('diff: an object that differs beyond its varying fields is a change, shown without them', () => {
  const varying = varyingTemplates(join(charts, 'dashboard-json'));
  const onlyClock = diffManifests(settings('1700000000', '30s'), settings('1700000099', '30s'), varying);
  assert.equal(onlyClock.changed, []);
  assert.equal(
    onlyClock.varying?.map((v) => [v.name, v.varies]),
    [['d-settings', ['time']]],
  );
  // On the old diff this object was set apart as "rendered with time" and the new refresh hidden.
  const both = diffManifests(settings('1700000000', '30s'), settings('1700000099', '1m'), varying);
  assert.equal(both.varying ?? [], []);
  assert.equal(
    both.changed.map((c) => [c.name, c.leftOut]),
    [['d-settings', { fields: ['metadata.annotations.example.test/rendered-at'], varies: ['time'] }]],
  );
  assert.match(both.changed[0]?.diff ?? '', /-\s+refresh: 30s\n\+\s+refresh: 1m/);
  assert.not.match(both.changed[0]?.diff ?? '', /1700000/);
});

test('diff: a varying template whose varying part has no key path hides nothing', () => {
  const whole = new Map([['dashboard-json/templates/settings.yaml', { varies: ['time'], fields: [] }]]);
  const d = diffManifests(settings('1', '30s'), settings('2', '30s'), whole);
  assert.equal(
    d.changed.map((c) => c.name),
    ['d-settings'],
  );
});

test.run();
