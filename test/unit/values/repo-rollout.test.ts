// runlevel.yaml's rollout stages: what the schema refuses and what only a cross-check can see,
// each said at its file:line:col.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UserError } from '../../../core/shared/errors.js';
import { readRepoFile } from '../../../core/values/repo.js';
import { fixture, removeFixture } from '../../helpers/fixture.js';

const head = `core: "0.1.0"
clusters:
  a: { environment: dev }
  b: { environment: dev }
  staging-eu: { environment: staging }
`;

async function problems(rollout: string): Promise<string[]> {
  const dir = await fixture({ 'runlevel.yaml': head + rollout });
  try {
    await readRepoFile(dir);
  } catch (err) {
    assert.instance(err, UserError);
    const e = err as UserError;
    assert.is(e.exitCode, 2);
    return e.problems.map(
      (p) =>
        `${p.where ? `${p.where.file}:${p.where.line}:${p.where.col} ` : ''}${p.message}${p.hint ? ` (${p.hint})` : ''}`,
    );
  } finally {
    await removeFixture(dir);
  }
  return [];
}

test('well-formed stages are read, defaults applied', async () => {
  const dir = await fixture({
    'runlevel.yaml': `${head}rollout:\n  stages:\n    - {name: dev, clusters: [a], soak: 2m}\n    - {name: staging, clusters: [b, staging-eu]}\n`,
  });
  const repo = await readRepoFile(dir);
  await removeFixture(dir);
  assert.equal(
    repo.file.rollout?.stages.map((s) => [s.name, s.clusters, s.soak]),
    [
      ['dev', ['a'], '2m'],
      ['staging', ['b', 'staging-eu'], '0s'],
    ],
  );
  assert.is(repo.file.rollout?.poll, '15s');
});

test('an unknown cluster is refused where it is written, with the closest name', async () => {
  assert.equal(await problems('rollout:\n  stages:\n    - name: one\n      clusters: [a, staging-us]\n'), [
    'runlevel.yaml:9:21 stage "one" names cluster "staging-us", which is not under clusters: (did you mean "staging-eu"?)',
  ]);
});

test('a stage named twice and a cluster in two stages are refused', async () => {
  const got = await problems(
    'rollout:\n  stages:\n    - {name: one, clusters: [a]}\n    - {name: one, clusters: [b]}\n    - {name: two, clusters: [a]}\n',
  );
  assert.equal(got, [
    'runlevel.yaml:9:14 stage "one" is named twice (give every stage its own name: `--from` and `promote --to` pick a stage by it)',
    'runlevel.yaml:10:30 cluster "a" is in stage "one" already (a cluster belongs to one stage: it is deployed once per rollout)',
  ]);
});

test('schema errors: a soak that is not a duration, no clusters, an unknown key', async () => {
  const got = await problems(
    'rollout:\n  stages:\n    - name: one\n      clusters: []\n      soak: soon\n      wait: 1m\n',
  );
  assert.is(got.length, 3, got.join('\n'));
  assert.match(got.join('\n'), /runlevel\.yaml:9:17 .*(fewer than 1|at least 1|empty)/i);
  assert.match(got.join('\n'), /runlevel\.yaml:10:13 /);
  assert.match(got.join('\n'), /runlevel\.yaml:11:7 .*wait/);
});

test.run();
