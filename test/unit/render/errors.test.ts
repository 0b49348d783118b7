import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { helmfileProblem, parseHelmError, partStartLine } from '../../../core/render/errors.js';
import { helmfileDir, listRunlevels } from '../../../core/render/runlevels.js';
import { coreRoot } from '../../../core/shared/paths.js';

const appChart = join(coreRoot, 'charts/app');

test('a chart schema failure lists every violation with its JSON pointer', () => {
  const stderr = [
    "Error: values don't meet the specifications of the schema(s) in the following chart(s):",
    'app:',
    "- at '/replicas': got string, want integer",
    "- at '/ingress/host': 'anyOf' failed",
    "  - at '/ingress/host': value must be ''",
    '',
  ].join('\n');
  const f = parseHelmError(stderr, appChart);
  assert.is(f.kind, 'schema');
  if (f.kind !== 'schema') return;
  assert.is(f.chart, 'app');
  assert.equal(f.violations, [
    { pointer: '/replicas', message: 'got string, want integer' },
    { pointer: '/ingress/host', message: "'anyOf' failed" },
    { pointer: '/ingress/host', message: "value must be ''" },
  ]);
});

test('fail/required in a template names the chart file, line and column with a frame', () => {
  const stderr =
    'Error: execution error at (app/templates/ingress.yaml:5:13): ingress.host is required when ingress.enabled\n\nUse --debug flag to render out invalid YAML\n';
  const f = parseHelmError(stderr, appChart);
  assert.is(f.kind, 'template');
  if (f.kind !== 'template') return;
  assert.is(f.template, 'app/templates/ingress.yaml');
  assert.equal(f.problem.where, { file: 'charts/app/templates/ingress.yaml', line: 5, col: 13 });
  assert.is(f.problem.message, 'ingress.host is required when ingress.enabled');
  assert.match(f.problem.frame ?? '', '> 5 |');
});

test('an execution error and a parse error are located too', () => {
  const exec = parseHelmError(
    'Error: template: app/templates/bad.yaml:1:13: executing "app/templates/bad.yaml" at <.Values.image.tag.x>: can\'t evaluate field x in type interface {}\n',
    appChart,
  );
  assert.is(exec.kind === 'template' && exec.problem.where?.line, 1);
  assert.is(exec.kind === 'template' && exec.problem.message, "can't evaluate field x in type interface {}");
  const parse = parseHelmError(
    'Error: parse error at (app/templates/bad.yaml:7): function "nope" not defined\n',
    appChart,
  );
  assert.equal(parse.kind === 'template' && parse.problem.where, {
    file: 'charts/app/templates/bad.yaml',
    line: 7,
    col: 1,
  });
});

test('a template that renders invalid YAML names the template', () => {
  const f = parseHelmError(
    'Error: YAML parse error on app/templates/bad.yaml: error converting YAML to JSON: yaml: line 2: mapping values are not allowed in this context\n',
    appChart,
  );
  assert.is(f.kind, 'template');
  assert.match(f.kind === 'template' ? f.problem.message : '', 'renders invalid YAML: yaml: line 2');
});

test('helmfile template errors point at the runlevel file line, counting earlier --- parts', async () => {
  const runlevels = listRunlevels(helmfileDir());
  const apps = runlevels.find((r) => r.name === '90-apps');
  assert.ok(apps);
  if (!apps) return;
  const stderr = `in ${apps.file}: error during ${apps.file}.part.1 parsing: template: stringTemplate:3:4: executing "stringTemplate" at <fail "x">: error calling fail: team alpha lists app "api", but apps.api is not defined\n`;
  const p = helmfileProblem(stderr, runlevels);
  assert.is(p.message, 'team alpha lists app "api", but apps.api is not defined');
  assert.is(p.where?.file, 'helmfile.d/90-apps.yaml.gotmpl');
  // part 1 starts on the line after the first "---".
  const { readFileSync } = await import('node:fs');
  const lines = readFileSync(apps.file, 'utf8').split('\n');
  assert.is(p.where?.line, lines.indexOf('---') + 2 + 2);
  assert.ok(p.frame);
});

test('partStartLine counts the lines of the parts before', () => {
  assert.is(partStartLine('a\nb\n---\nc\n---\nd\n', 0), 1);
  assert.is(partStartLine('a\nb\n---\nc\n---\nd\n', 1), 4);
  assert.is(partStartLine('a\nb\n---\nc\n---\nd\n', 2), 6);
});

test("anything else keeps helm's error lines, without the --debug advice", () => {
  const f = parseHelmError(
    'Error: something odd failed\n\nUse --debug flag to render out invalid YAML\n',
    appChart,
  );
  assert.equal(f, { kind: 'other', message: 'Error: something odd failed' });
});

test.run();
