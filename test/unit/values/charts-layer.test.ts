// The values of added charts: charts/<release>.yaml in any layer merges under charts.<release>,
// layered and with provenance like teams/ and apps/; a schema fragment checks them at validate time.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { coreRoot } from '../../../core/shared/paths.js';
import { readChartSchemas, withChartSchemas } from '../../../core/values/chart-schemas.js';
import { ValuesRepo } from '../../../core/values/index.js';
import { ajvOptions, schemaProblems } from '../../../core/values/validate.js';
import { fixture, removeFixture, withFixture } from '../../helpers/fixture.js';

const repo = {
  'runlevel.yaml': 'core: "0.1.0"\nclusters:\n  dev:\n    environment: dev\ncontract: 2\n',
  'common/settings.yaml': 'cluster:\n  domain: example.com\nplatform:\n  sso:\n    enabled: false\n',
  'common/charts/hello-web.yaml': 'replicaCount: 2\nui:\n  message: hello\n',
  'clusters/dev/charts/hello-web.yaml': 'replicaCount: 1\n',
};

test('charts/<release>.yaml merges under charts.<release>, later layers win, each value keeps its file:line', async () => {
  const dir = await fixture(repo);
  try {
    const dev = await (await ValuesRepo.open(dir)).resolve('dev');
    assert.equal(dev.values.charts, { 'hello-web': { replicaCount: 1, ui: { message: 'hello' } } });
    const { file, line, col, layer } = dev.origins.get('/charts/hello-web/replicaCount') ?? {};
    assert.equal(
      { file, line, col, layer },
      { file: 'clusters/dev/charts/hello-web.yaml', line: 1, col: 15, layer: 'cluster' },
    );
    assert.is(dev.origins.get('/charts/hello-web/ui/message')?.file, 'common/charts/hello-web.yaml');
  } finally {
    await removeFixture(dir);
  }
});

test('a charts/ file whose name is no release name is refused with a rename hint', async () => {
  const dir = await fixture({ ...repo, 'common/charts/Hello_Web.yaml': 'a: 1\n' });
  try {
    const err = await (await ValuesRepo.open(dir)).resolve('dev').then(
      () => undefined,
      (e: Error) => e,
    );
    const text = JSON.stringify(err);
    assert.match(text, '\\"Hello_Web\\" is not a valid chart release name');
    assert.match(text, 'charts/hello-web.yaml');
  } finally {
    await removeFixture(dir);
  }
});

test('a fragment checks charts.<release> in the values schema: a misspelt key gets a did-you-mean', () => {
  const schema = JSON.parse(readFileSync(join(coreRoot, 'schemas/values.schema.json'), 'utf8'));
  // Formats are not what this test is about: ajv is told they exist (validate.ts adds ajv-formats).
  const ajv = new Ajv2020({
    ...ajvOptions,
    validateSchema: false,
    formats: { hostname: true, email: true, uri: true },
  });
  const fragment = {
    $schema: 'http://json-schema.org/draft-07/schema#', // a chart's dialect is taken as ours
    type: 'object',
    additionalProperties: false,
    properties: { replicaCount: { $ref: '#/definitions/count' } },
    definitions: { count: { type: 'integer' } },
  };
  const validate = ajv.compile(withChartSchemas(ajv, schema, new Map([['hello-web', fragment]])));
  const values = {
    cluster: { name: 'dev', environment: 'dev', domain: 'example.com' },
    charts: { 'hello-web': { replicaCont: 2 }, other: { anything: [1] } },
  };
  assert.not.ok(validate(values));
  const problems = schemaProblems(validate.errors ?? [], { origins: new Map(), texts: new Map() });
  assert.equal(
    problems.map((p) => [p.path, p.message, p.hint]),
    [['charts.hello-web.replicaCont', 'unknown key "replicaCont"', 'did you mean "replicaCount"?']],
  );
  assert.ok(validate({ ...values, charts: { 'hello-web': { replicaCount: 2 } } }), 'free-form elsewhere');
});

test('without schemas/charts/ there are no fragments; a badly named fragment is refused', async () => {
  await withFixture({}, (empty) => assert.equal(readChartSchemas(empty).size, 0));
  const dir = await fixture({ 'schemas/charts/Hello.json': '{}' });
  try {
    assert.throws(
      () => readChartSchemas(dir),
      /schemas\/charts\/Hello\.json: not a chart values schema name/,
    );
  } finally {
    await removeFixture(dir);
  }
});

test.run();
