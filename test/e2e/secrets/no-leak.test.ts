// The proof that no secret reaches any output or file: a values repo made by `runlevel init`
// with marker values in its sops file (a password holding " and \, a registry password that ends
// up base64 inside base64 in a .dockerconfigjson, an env token holding ', a number), then render,
// check, deploy, status and diff against the real local cluster, in text, -o json, -o yaml and
// -v, with HOME and TMPDIR in a fresh directory scanned after every run. The secrets are then
// rotated: diff must mask the old values on the deployed side too (helm's stored release values).
import { copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type CliResult, runCli } from '../../helpers/cli.js';
import { leakingFiles, leaks, secretMarkers } from '../../helpers/secret-scan.js';
import { initValuesRepo, type ValuesRepo } from '../../helpers/values-repo.js';

const kubeconfig = process.env.KUBECONFIG ?? '';
let repo: ValuesRepo;
let home: string; // HOME of every run; TMPDIR is home/tmp
const before = secretMarkers(); // deployed first
const after = secretMarkers(); // the rotation
const markers = [before, after].flatMap((m) => [m.password, m.pull, m.token, m.pin]);

const secretsFile = () => `clusters/${repo.cluster}/secrets.sops.yaml`;
const secrets = (m: ReturnType<typeof secretMarkers>) => ({
  platform: {
    sso: { adminPassword: m.password },
    registry: { pullSecret: { enabled: true, username: 'puller', password: m.pull } },
  },
  apps: { hello: { values: { env: { API_TOKEN: m.token, PIN: m.pin } } } },
});

async function run(args: string[]): Promise<CliResult> {
  const r = await runCli(
    [...args, '--cluster', repo.cluster, '--values', repo.dir, '--kubeconfig', kubeconfig],
    {
      // The age key is found where `runlevel init` put it, under this HOME.
      env: { HOME: home, TMPDIR: join(home, 'tmp'), XDG_CONFIG_HOME: '' },
      timeoutMs: 300_000,
    },
  );
  const what = `runlevel ${args.join(' ')}`;
  assert.equal(leaks(r.stdout, markers), [], `${what}: stdout`);
  assert.equal(leaks(r.stderr, markers), [], `${what}: stderr`);
  assert.equal(leakingFiles(home, markers), [], `${what}: files in HOME/TMPDIR`);
  assert.equal(await readdir(join(home, 'tmp')), [], `${what}: left in TMPDIR`);
  return r;
}

test.before(async () => {
  assert.ok(kubeconfig, 'the e2e tier sets KUBECONFIG to the shared local cluster');
  repo = await initValuesRepo('dev');
  home = await mkdtemp(join(tmpdir(), 'secrets-e2e-home-'));
  await mkdir(join(home, 'tmp'));
  const keyDir = join(home, '.config/runlevel/age');
  await mkdir(keyDir, { recursive: true });
  const key = `${basename(repo.dir)}.key`;
  await copyFile(join(homedir(), '.config/runlevel/age', key), join(keyDir, key));
  await repo.writeSecrets(secretsFile(), secrets(before));
});

test.after(async () => {
  await repo?.remove();
  if (home) await rm(home, { recursive: true, force: true });
});

test('render and check, in every output format', async () => {
  for (const args of [
    ['template'],
    ['template', '-v', '--log-format', 'json'],
    ['check', '-v'],
    ['check', '-o', 'json'],
  ]) {
    const r = await run(args);
    assert.is(r.code, 0, r.stderr);
  }
});

test('deploy (-v), then status in text and JSON', async () => {
  const r = await run(['deploy', '-v']);
  assert.is(r.code, 0, r.stderr);
  for (const args of [['status'], ['status', '-o', 'json'], ['status', '-v', '--log-format', 'json']]) {
    const s = await run(args);
    assert.is(s.code, 0, s.stderr);
  }
});

test('after a rotation diff shows what changes, masked on both sides, in every output format', async () => {
  await repo.writeSecrets(secretsFile(), secrets(after));
  const text = await run(['diff']);
  assert.is(text.code, 0, text.stderr);
  // Not a vacuous pass: the rotated values do change the app's env and the pull Secrets.
  assert.match(text.stdout, /^ {6}~ Deployment\/team-demo\/demo-hello$/m);
  assert.match(text.stdout, /^ {8}- {14}value: "?\*\*\*"?$/m);
  assert.match(text.stdout, /^ {8}\+ {14}value: "?\*\*\*"?$/m);
  assert.match(text.stdout, /Secret\/team-demo\/registry-pull/);
  for (const args of [
    ['diff', '-o', 'json'],
    ['diff', '-o', 'yaml'],
    ['diff', '-v', '--log-format', 'json'],
  ]) {
    const r = await run(args);
    assert.is(r.code, 0, r.stderr);
  }
});

test('deploy of the rotation (JSON events, -v), and a diff with nothing left to change', async () => {
  const r = await run(['deploy', '-v', '--log-format', 'json', '-o', 'json']);
  assert.is(r.code, 0, r.stderr);
  const d = await run(['diff', '--detailed-exitcode']);
  assert.is(d.code, 0, d.stdout);
});

test.run();
