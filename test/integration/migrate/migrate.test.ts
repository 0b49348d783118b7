// runlevel migrate on a copy of test/fixtures/values-v0 (a repo written for contract 0), through
// the real CLI, git and sops: refused by validate and template until migrated; --dry-run prints
// the diff and writes nothing; migrate prints the same diff (golden: only the migrated lines
// change, every comment stays), commits the files with the contract bump, leaves no plaintext on
// disk, and the repo then validates; the sops file still decrypts with the same key, and the
// value no migration touched keeps its ciphertext.
import { execFileSync } from 'node:child_process';
import { watch } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { coreRoot } from '../../../core/shared/paths.js';
import { toolsBinDir } from '../../../core/shared/tools.js';
import { type CliResult, runCli } from '../../helpers/cli.js';
import { assertGoldenFile } from '../../helpers/golden.js';
import { filesUnder, leakingFiles, leaks } from '../../helpers/secret-scan.js';
import { initValuesRepo } from '../../helpers/values-repo.js';

const fixture = join(coreRoot, 'test/fixtures/values-v0');
const key = join(coreRoot, 'test/fixtures/values/large.age.key');
const secretsFile = 'clusters/prod-eu/secrets.sops.yaml';
// What the sops file holds in plain text: never in any output or file.
const markers = ['v0-fixture-Admin-pw', 'login.prod-eu.example.com'];
let home: string; // HOME, and TMPDIR under it
const repos: string[] = [];

test.before(async () => {
  home = await mkdtemp(join(tmpdir(), 'migrate-home-'));
  await mkdir(join(home, 'tmp'));
});

test.after(async () => {
  for (const dir of [home, ...repos]) if (dir) await rm(dir, { recursive: true, force: true });
});

const git = (repo: string, ...args: string[]) =>
  execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8' }).trim();

/** A fresh git repo holding the fixture, committed; its directory keeps the fixture's name. */
async function copyRepo(): Promise<string> {
  const parent = await mkdtemp(join(tmpdir(), 'migrate-repo-'));
  repos.push(parent);
  const repo = join(parent, 'values-v0');
  await cp(fixture, repo, { recursive: true });
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'add', '-A');
  git(repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'contract 0');
  return repo;
}

/** The CLI in the fresh HOME/TMPDIR, with the entries made in TMPDIR while it ran. */
async function run(repo: string, args: string[]): Promise<CliResult & { made: string[] }> {
  const tmp = join(home, 'tmp');
  const made = new Set<string>();
  const watcher = watch(tmp, (_e, name) => name && made.add(String(name)));
  try {
    const r = await runCli([...args, '--values', repo], {
      env: { HOME: home, TMPDIR: tmp, XDG_CONFIG_HOME: '', RUNLEVEL_AGE_KEY_FILE: key },
    });
    return { ...r, made: [...made] };
  } finally {
    watcher.close();
  }
}

/** Every file of the repo but .git, with its bytes. */
async function snapshot(repo: string): Promise<Map<string, string>> {
  const files = filesUnder(repo).filter((f) => !f.includes('/.git/'));
  return new Map(await Promise.all(files.map(async (f) => [f, await readFile(f, 'utf8')] as const)));
}

const sopsDecrypt = (file: string): string =>
  execFileSync(join(toolsBinDir(), 'sops'), ['decrypt', file], {
    env: { ...process.env, SOPS_AGE_KEY_FILE: key, SOPS_DISABLE_VERSION_CHECK: '1' },
    encoding: 'utf8',
  });

function assertNoLeak(what: string, r: CliResult & { made: string[] }, repo: string): void {
  assert.equal(leaks(r.stdout, markers), [], `${what}: stdout`);
  assert.equal(leaks(r.stderr, markers), [], `${what}: stderr`);
  assert.equal(leakingFiles(home, markers), [], `${what}: files in HOME/TMPDIR`);
  assert.equal(
    leakingFiles(repo, markers).filter((f) => !f.includes('/.git/')),
    [],
    `${what}: plaintext in the repo`,
  );
  for (const name of r.made) assert.match(name, /^runlevel-/, `${what}: made ${name} in TMPDIR`);
}

test('a repo behind the core contract is refused by validate, template and deploy with the command to run (exit 2)', async () => {
  const repo = await copyRepo();
  // deploy and diff are refused before they reach for a cluster: none is there.
  const noCluster = ['--kubeconfig', join(home, 'no-such-kubeconfig')];
  for (const args of [
    ['validate'],
    ['template', '--cluster', 'dev'],
    ['values', '--cluster', 'prod-eu'],
    ['deploy', '--cluster', 'dev', ...noCluster],
    ['diff', '--cluster', 'prod-eu', ...noCluster],
  ]) {
    const r = await run(repo, args);
    assert.is(r.code, 2, r.stderr);
    assert.is(r.stdout, '');
    assert.match(r.stderr, 'written for values contract 0, but this core reads contract 2');
    assert.match(r.stderr, 'run `runlevel migrate`');
  }
  assertGoldenFile('migrate', 'behind-validate', (await run(repo, ['validate'])).stderr);
});

test('--dry-run prints the diff, validates, and writes nothing', async () => {
  const repo = await copyRepo();
  const before = await snapshot(repo);
  const head = git(repo, 'rev-parse', 'HEAD');
  const r = await run(repo, ['migrate', '--dry-run']);
  assert.is(r.code, 0, r.stderr);
  assertGoldenFile('migrate', 'values-v0-diff', r.stdout);
  assert.match(r.stderr, 'the migrated values validate for dev, prod-eu');
  assert.match(r.stderr, 'dry run: 5 file(s) would change; nothing was written');
  assert.equal(await snapshot(repo), before);
  assert.is(git(repo, 'rev-parse', 'HEAD'), head);
  assert.is(git(repo, 'status', '--porcelain'), '');
  assertNoLeak('migrate --dry-run', r, repo);
  assert.equal(await readdir(join(home, 'tmp')), [], 'left in TMPDIR');
});

test('migrate commits the migrated files with the contract bump; the repo then validates', async () => {
  const repo = await copyRepo();
  const cipherBefore = await readFile(join(repo, secretsFile), 'utf8');
  const r = await run(repo, ['migrate']);
  assert.is(r.code, 0, r.stderr);
  assertGoldenFile('migrate', 'values-v0-diff', r.stdout); // the same diff as the dry run
  assertNoLeak('migrate', r, repo);
  assert.equal(await readdir(join(home, 'tmp')), [], 'left in TMPDIR');

  // One commit: every migrated file and runlevel.yaml's contract together; nothing left over.
  assert.is(git(repo, 'rev-list', '--count', 'HEAD'), '2');
  assert.is(git(repo, 'status', '--porcelain'), '');
  assert.equal(git(repo, 'show', '--name-only', '--format=', 'HEAD').split('\n').sort(), [
    'clusters/prod-eu/secrets.sops.yaml',
    'clusters/prod-eu/settings.yaml',
    'common/apps/api.yaml',
    'common/apps/web.yaml',
    'runlevel.yaml',
  ]);
  assert.match(git(repo, 'log', '-1', '--format=%B'), /^runlevel migrate: values contract 0 → 2\n/);
  assert.is(parse(await readFile(join(repo, 'runlevel.yaml'), 'utf8')).contract, 2);

  // The sops file: the same key decrypts it; the moved value is there; the untouched one kept its ciphertext.
  const cipherAfter = await readFile(join(repo, secretsFile), 'utf8');
  const plain = parse(sopsDecrypt(join(repo, secretsFile)));
  assert.equal(plain.platform.sso, {
    adminPassword: 'v0-fixture-Admin-pw',
    keycloak: { hostname: 'login.prod-eu.example.com' },
  });
  const adminLine = (t: string) => /adminPassword: (ENC\[[^\]]+\])/.exec(t)?.[1];
  assert.ok(adminLine(cipherBefore));
  assert.is(adminLine(cipherAfter), adminLine(cipherBefore));
  const recipients = (t: string) => [...t.matchAll(/recipient: (age1\w+)/g)].map((m) => m[1]);
  assert.equal(recipients(cipherAfter), recipients(cipherBefore));

  const v = await run(repo, ['validate']);
  assert.is(v.code, 0, v.stderr);
  // The renamed keys reach the charts: each app's own target, prod-eu's override of web's.
  const t = await run(repo, ['template', '--cluster', 'prod-eu']);
  assert.is(t.code, 0, t.stderr);
  assert.equal([...t.stdout.matchAll(/averageUtilization: (\d+)/g)].map((m) => m[1]).sort(), ['60', '65']);

  const again = await run(repo, ['migrate']);
  assert.is(again.code, 0, again.stderr);
  assert.match(again.stderr, 'at contract 2 already: nothing to migrate');
  assert.is(git(repo, 'rev-list', '--count', 'HEAD'), '2');
});

test('--to 1 applies the first migration alone; the repo is still behind for validate', async () => {
  const repo = await copyRepo();
  const r = await run(repo, ['migrate', '--to', '1']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, '+  targetCPUPercent: 75');
  assert.not.match(r.stdout, 'keycloak');
  assert.match(r.stderr, 'contract 1 is not this core');
  assert.is(parse(await readFile(join(repo, 'runlevel.yaml'), 'utf8')).contract, 1);
  const v = await run(repo, ['validate']);
  assert.is(v.code, 2);
  assert.match(v.stderr, 'written for values contract 1');
});

test('a repo ahead of the core contract: validate and migrate refuse it (exit 7)', async () => {
  const repo = await copyRepo();
  const file = join(repo, 'runlevel.yaml');
  await writeFile(
    file,
    (await readFile(file, 'utf8')).replace('core: "0.1.0"', 'core: "0.1.0"\ncontract: 9'),
  );
  for (const args of [['validate'], ['migrate']]) {
    const r = await run(repo, args);
    assert.is(r.code, 7, r.stderr);
    assert.match(r.stderr, 'contract 9');
  }
});

test('a file with uncommitted changes of its own is not migrated over (exit 2, nothing written)', async () => {
  const repo = await copyRepo();
  const file = join(repo, 'common/apps/web.yaml');
  await writeFile(file, `${await readFile(file, 'utf8')}# a note not committed yet\n`);
  const before = await snapshot(repo);
  const r = await run(repo, ['migrate']);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, 'common/apps/web.yaml has uncommitted changes');
  assert.equal(await snapshot(repo), before);
});

test('a repo made by runlevel init, taken back to contract 0: migrated and committed past its pre-commit hook', async () => {
  const made = await initValuesRepo('dev');
  try {
    const { dir } = made;
    const repoFile = join(dir, 'runlevel.yaml');
    const text = await readFile(repoFile, 'utf8');
    await writeFile(repoFile, text.replace(/^# The values contract[^\n]*\ncontract: 2\n/m, ''));
    const app = join(dir, 'common/apps/hello.yaml');
    const appText = `${await readFile(app, 'utf8')}autoscaling:\n  enabled: true\n  targetCPUUtilizationPercentage: 70 # written for contract 0\n`;
    await writeFile(app, appText);
    git(dir, 'add', '-A');
    git(
      dir,
      '-c',
      'user.name=t',
      '-c',
      'user.email=t@example.com',
      'commit',
      '-q',
      '--no-verify',
      '-m',
      'contract 0',
    );
    // The hook would run a runlevel found on PATH: here none is, so a commit through it would fail.
    assert.is(git(dir, 'config', 'core.hooksPath'), '.githooks');
    const r = await runCli(['migrate', '--values', dir], { env: { PATH: '/usr/bin:/bin' } });
    assert.is(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      '-  targetCPUUtilizationPercentage: 70 # written for contract 0\n+  targetCPUPercent: 70 # written for contract 0\n',
    );
    assert.match(r.stdout, ' core: "0.1.0"\n+contract: 2\n clusters:\n');
    assert.equal(
      r.stdout.split('\n').filter((l) => l.startsWith('--- ')),
      ['--- a/common/apps/hello.yaml', '--- a/runlevel.yaml'],
    );
    assert.is(
      await readFile(app, 'utf8'),
      appText.replace('targetCPUUtilizationPercentage', 'targetCPUPercent'),
    );
    assert.is(git(dir, 'status', '--porcelain'), '');
    assert.match(git(dir, 'log', '-1', '--format=%s'), 'runlevel migrate: values contract 0 → 2');
    const v = await runCli(['validate', '--values', dir]);
    assert.is(v.code, 0, v.stderr);
  } finally {
    await made.remove();
  }
});

test.run();
