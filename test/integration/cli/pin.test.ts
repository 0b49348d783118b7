// The pin refusals through the real CLI: a repo pinned to another core, a canary cluster pinned to
// its own, a moving tag. Each exits 7 before any value is read, and its exact output is golden.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { coreRoot } from '../../../core/shared/paths.js';
import { compareVersions } from '../../../core/shared/versions.js';
import { assertGoldenFile } from '../../helpers/golden.js';
import {
  assertCleanFailure,
  cli,
  goldenText,
  removeSandbox,
  type Sandbox,
  sandbox,
  valuesRepo,
} from '../../helpers/values-harness.js';

const core = JSON.parse(readFileSync(join(coreRoot, 'package.json'), 'utf8')).version as string;

const assertGolden = (name: string, actual: string) => assertGoldenFile('pin', name, actual);

const repoFile = (lines: string[]) => ({ 'runlevel.yaml': `${lines.join('\n')}\n` });

let sb: Sandbox;
test.before(async () => {
  sb = await sandbox();
});
test.after(() => removeSandbox(sb));

test('golden: a repo pinned to another core is refused with exit 7, both versions and the command to run', async () => {
  const repo = await valuesRepo(
    sb,
    repoFile(['core: "0.9.0"', 'clusters:', '  dev:', '    environment: dev']),
  );
  const args = ['values', '--cluster', 'dev'];
  const r = await cli(sb, repo, args);
  assertCleanFailure(r, 7);
  assert.match(r.stderr, /pinned to core 0\.9\.0, but this is core /);
  assert.match(r.stderr, /runlevel:0\.9\.0 values --cluster dev/);
  assertGolden('mismatch', goldenText(args, r, sb, repo).replaceAll(core, '<core>'));
});

test('golden: a canary cluster pinned to its own core is refused by this one, with the line of its pin', async () => {
  const repo = await valuesRepo(
    sb,
    repoFile([`core: "${core}"`, 'clusters:', '  dev:', '    environment: dev', '    core: 0.2.0']),
  );
  const args = ['deploy', '--cluster', 'dev'];
  const r = await cli(sb, repo, args);
  assertCleanFailure(r, 7);
  assert.match(r.stderr, /runlevel\.yaml:5:11 +pins cluster dev to core "0\.2\.0"/);
  assertGolden('canary', goldenText(args, r, sb, repo).replaceAll(core, '<core>'));
});

test('golden: a moving tag is no pin (latest), exit 7', async () => {
  const repo = await valuesRepo(
    sb,
    repoFile(['core: latest', 'clusters:', '  dev:', '    environment: dev']),
  );
  const args = ['validate'];
  const r = await cli(sb, repo, args);
  assertCleanFailure(r, 7);
  assert.match(r.stderr, /pinned to core "latest", which is not a release/);
  assertGolden('moving-tag', goldenText(args, r, sb, repo).replaceAll(core, '<core>'));
});

test('a branch name as a cluster pin is refused like a moving tag', async () => {
  const repo = await valuesRepo(
    sb,
    repoFile([`core: "${core}"`, 'clusters:', '  dev:', '    environment: dev', '    core: main']),
  );
  const r = await cli(sb, repo, ['template', '--cluster', 'dev']);
  assertCleanFailure(r, 7);
  assert.match(r.stderr, /cluster dev is pinned to core "main", which is not a release/);
});

test("a cluster pinned to this core works although the repo's default pins another (the canary runs here)", async () => {
  const repo = await valuesRepo(
    sb,
    repoFile([
      'core: "0.0.1"',
      'contract: 2',
      'clusters:',
      '  dev:',
      '    environment: dev',
      `    core: "${core}"`,
    ]),
  );
  const r = await cli(sb, repo, ['validate', '--cluster', 'dev']);
  assert.is(r.code, 0, r.stderr);
});

test('validate without --cluster validates the clusters pinned to this core and reports the one pinned elsewhere (a canary is committable)', async () => {
  const repo = await valuesRepo(sb, {
    ...repoFile([
      `core: "${core}"`,
      'contract: 2',
      'clusters:',
      '  dev:',
      '    environment: dev',
      '  prod: {environment: dev, core: "9.0.0"}',
    ]),
  });
  // No engine: the launcher cannot run core 9.0.0 here, which is said, not failed.
  const r = await cli(sb, repo, ['validate'], { DOCKER_HOST: 'unix:///nonexistent.sock' });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /✔ dev: values valid/);
  assert.match(
    r.stderr,
    /⚠ prod: pinned to core 9\.0\.0, not validated by core .*, and it could not run here: /,
  );
});

test('validate without --cluster still refuses when no cluster is pinned to this core, or a pin is a moving tag', async () => {
  const elsewhere = await valuesRepo(
    sb,
    repoFile(['core: "9.0.0"', 'clusters:', '  dev:', '    environment: dev']),
  );
  assertCleanFailure(await cli(sb, elsewhere, ['validate']), 7);
  const moving = await valuesRepo(
    sb,
    repoFile([
      `core: "${core}"`,
      'clusters:',
      '  dev:',
      '    environment: dev',
      '  canary: {environment: dev, core: main}',
    ]),
  );
  const r = await cli(sb, moving, ['validate']);
  assertCleanFailure(r, 7);
  assert.match(r.stderr, /pins cluster canary to core "main"/);
});

test('the repo pinned to this core passes, and commands outside a repo are not held by the pin', async () => {
  const repo = await valuesRepo(sb);
  assert.is((await cli(sb, repo, ['validate', '--cluster', 'dev'])).code, 0);
  assert.is((await cli(sb, sb.home, ['version', '-o', 'json'])).code, 0);
});

test('bundle create carries this core, so it honours the pin; bundle inspect and push read no pin', async () => {
  const repo = await valuesRepo(
    sb,
    repoFile(['core: "0.9.0"', 'clusters:', '  dev:', '    environment: dev']),
  );
  const create = await cli(sb, repo, [
    'bundle',
    'create',
    '--cluster',
    'dev',
    '--out',
    join(sb.home, 'b.tar'),
  ]);
  assertCleanFailure(create, 7);
  assert.match(create.stderr, /pinned to core 0\.9\.0, but this is core /);
  // No such file, not the pin: inspect got as far as opening the bundle.
  const inspect = await cli(sb, repo, ['bundle', 'inspect', join(sb.home, 'missing.tar')]);
  assert.is.not(inspect.code, 7, inspect.stderr);
  assert.not.match(inspect.stderr, /pinned to core/);
});

test('versions compare by number, and only releases compare at all', () => {
  assert.is(compareVersions('0.1.0', '0.10.0'), -1);
  assert.is(compareVersions('1.0.0', '0.99.99'), 1);
  assert.is(compareVersions('2.3.4', '2.3.4'), 0);
  assert.is(compareVersions('latest', '0.1.0'), undefined);
});

test.run();
