// upgrade's refusals through the real CLI, each before any image is pulled or run: a version that
// is no release, one that is not newer, an unknown cluster (did-you-mean), a dirty tree with
// --write, the rehearsal run inside the image (no Docker there), a mirror that does not answer.
// Each: exit code, what and what to do, no stack trace, nothing on stdout, nothing written.
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { removeFixture } from '../../helpers/fixture.js';
import { assertCleanFailure, cli, type Sandbox, sandbox, valuesRepo } from '../../helpers/values-harness.js';

let sb: Sandbox;
let repo: string;
const git = (...args: string[]) =>
  execa('git', ['-C', repo, '-c', 'user.name=dev', '-c', 'user.email=dev@test', ...args]);

test.before(async () => {
  sb = await sandbox();
  repo = await valuesRepo(sb);
  await git('init', '-q');
  await git('add', '-A');
  await git('commit', '-q', '-m', 'values');
});

test.after(async () => {
  if (repo) await removeFixture(repo);
  if (sb) await rm(sb.home, { recursive: true, force: true });
});

const upgrade = (args: string[], env: Record<string, string> = {}) =>
  cli(sb, repo, ['upgrade', '--values', repo, ...args], env);

test('a version that is no release, or not newer than the pin: exit 2 with what to pass', async () => {
  const none = await upgrade(['--to', 'latest', '--cluster', 'dev']);
  assertCleanFailure(none, 2);
  assert.match(none.stderr, '--to latest is not a core release');
  assert.match(none.stderr, 'x.y.z');
  const same = await upgrade(['--to', '0.1.0', '--cluster', 'dev']);
  assertCleanFailure(same, 2);
  assert.match(same.stderr, 'cluster dev is pinned to core 0.1.0 already');
  assert.match(same.stderr, 'runlevel diff --cluster dev');
  const older = await upgrade(['--to', '0.0.9', '--cluster', 'dev']);
  assertCleanFailure(older, 2);
  assert.match(older.stderr, '0.0.9 is not a newer release');
});

test('an unknown cluster: where runlevel.yaml lists them, and the closest name', async () => {
  const r = await upgrade(['--to', '0.3.0', '--cluster', 'deb']);
  assertCleanFailure(r, 2);
  assert.match(r.stderr, 'cluster "deb" is not listed in runlevel.yaml');
  assert.match(r.stderr, /runlevel\.yaml:\d+:\d+/);
  assert.match(r.stderr, 'did you mean "dev"?');
});

test('--write on a tree with uncommitted changes is refused before anything runs', async () => {
  const file = join(repo, 'common/settings.yaml');
  const text = readFileSync(file, 'utf8');
  await execa('sh', ['-c', `echo '# mine' >> '${file}'`]);
  try {
    const r = await upgrade(['--to', '0.3.0', '--cluster', 'dev', '--write']);
    assertCleanFailure(r, 2);
    assert.match(r.stderr, 'uncommitted changes (common/settings.yaml)');
    assert.match(r.stderr, 'commit or stash them first');
  } finally {
    await execa('sh', ['-c', 'printf "%s" "$0" > "$1"', text, file]);
  }
  assert.is((await git('status', '--porcelain')).stdout, '');
});

test('inside the image there is no Docker: the rehearsal says to run it on the host', async () => {
  const r = await upgrade(['--to', '0.3.0', '--cluster', 'dev'], { RUNLEVEL_IN_IMAGE: 'true' });
  assertCleanFailure(r, 2);
  assert.match(r.stderr, 'there is no Docker in this one');
  assert.match(r.stderr, 'run it on the host, where Docker is: runlevel upgrade --to 0.3.0 --cluster dev');
});

test('a mirror that does not answer: said, with what to check', async () => {
  const r = await upgrade(['--to', '0.3.0', '--cluster', 'dev'], {
    RUNLEVEL_IMAGE_REPOSITORY: '127.0.0.1:9/runlevel',
  });
  assertCleanFailure(r, 1);
  assert.match(r.stderr, 'the mirror does not answer for core 0.3.0');
  assert.match(r.stderr, 'check RUNLEVEL_IMAGE_REPOSITORY');
  assert.is((await git('status', '--porcelain')).stdout, '', 'nothing written');
});

test.run();
