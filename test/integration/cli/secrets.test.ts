// No secret in any output or file, without a cluster: template, check, values and validate in
// every output format, run with HOME and TMPDIR in a fresh directory that is scanned after each
// run, for every form (plain, escaped, base64, nested base64) of marker values from a sops file.
// (test/e2e/secrets/no-leak.test.ts does the same for deploy, diff and status on a cluster.)
import { watch } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { stringify } from 'yaml';
import { ageKeyFileText, generateAgeIdentity } from '../../../core/values/age-key.js';
import { encrypt } from '../../../core/values/secrets.js';
import { type CliResult, runCli } from '../../helpers/cli.js';
import { filesUnder, leakingFiles, leaks, secretMarkers } from '../../helpers/secret-scan.js';

const m = secretMarkers();
const markers = [m.password, m.pull, m.token, m.pin];
let home: string; // HOME and, under it, TMPDIR of every run
let repo: string;
let outside: string; // where --out writes: the user asked for those files

test.before(async () => {
  home = await mkdtemp(join(tmpdir(), 'secrets-home-'));
  outside = await mkdtemp(join(tmpdir(), 'secrets-out-'));
  repo = await mkdtemp(join(tmpdir(), 'secrets-values-'));
  await mkdir(join(home, 'tmp'));
  const id = generateAgeIdentity();
  await writeFile(join(home, 'age.key'), ageKeyFileText(id), { mode: 0o600 });
  const files: Record<string, string> = {
    'runlevel.yaml': 'core: "0.1.0"\nclusters:\n  dev:\n    environment: dev\ncontract: 2\n',
    '.sops.yaml': `creation_rules:\n  - path_regex: \\.sops\\.yaml$\n    age: ${id.recipient}\n`,
    'common/settings.yaml': stringify({
      cluster: { domain: 'dev.example.com' },
      platform: { registry: { pullSecret: { enabled: true, username: 'robot' } } },
    }),
    'common/teams/alpha.yaml': 'members:\n  - name: alice@example.com\n    role: admin\napps: [web]\n',
    'common/apps/web.yaml': 'image:\n  repository: docker.io/library/nginx\n  tag: "1.27.3"\n',
  };
  for (const [file, text] of Object.entries(files)) {
    await mkdir(join(repo, file, '..'), { recursive: true });
    await writeFile(join(repo, file), text);
  }
  const secrets = {
    platform: { sso: { adminPassword: m.password }, registry: { pullSecret: { password: m.pull } } },
    apps: { web: { values: { env: { API_TOKEN: m.token, PIN: m.pin } } } },
  };
  const file = 'clusters/dev/secrets.sops.yaml';
  await mkdir(join(repo, 'clusters/dev'), { recursive: true });
  await writeFile(join(repo, file), await encrypt(repo, file, stringify(secrets)));
});

test.after(async () => {
  for (const dir of [home, outside, repo]) if (dir) await rm(dir, { recursive: true, force: true });
});

/** Run the CLI in the fresh HOME/TMPDIR, noting every entry made in TMPDIR while it runs. */
async function run(args: string[]): Promise<CliResult & { made: string[] }> {
  const tmp = join(home, 'tmp');
  const made = new Set<string>();
  const watcher = watch(tmp, (_event, name) => {
    if (name) made.add(String(name));
  });
  try {
    const r = await runCli([...args, '--values', repo, '--cluster', 'dev'], {
      env: { HOME: home, TMPDIR: tmp, XDG_CONFIG_HOME: '', RUNLEVEL_AGE_KEY_FILE: join(home, 'age.key') },
      timeoutMs: 300_000,
    });
    return { ...r, made: [...made] };
  } finally {
    watcher.close();
  }
}

/** Nothing on stdout or stderr, nothing in HOME, nothing left in TMPDIR, nothing there but our own. */
async function assertNoLeak(args: string[], r: CliResult & { made: string[] }): Promise<void> {
  const what = `runlevel ${args.join(' ')}`;
  assert.equal(leaks(r.stdout, markers), [], `${what}: stdout`);
  assert.equal(leaks(r.stderr, markers), [], `${what}: stderr`);
  assert.equal(leakingFiles(home, markers), [], `${what}: files in HOME/TMPDIR`);
  assert.equal(await readdir(join(home, 'tmp')), [], `${what}: left in TMPDIR`);
  // helm, helmfile, sops, kubeconform and opa make no temporary files of their own.
  for (const name of r.made) assert.match(name, /^runlevel-/, `${what}: made ${name} in TMPDIR`);
}

for (const args of [
  ['template'],
  ['template', '-o', 'json'],
  ['template', '-v'],
  ['template', '--log-format', 'json'],
  ['check'],
  ['check', '-o', 'json'],
  ['check', '-v', '--log-format', 'json'],
  ['values'],
  ['values', '-o', 'json'],
  ['values', '-o', 'yaml', '--show-origin'],
  ['validate', '-v'],
]) {
  test(`runlevel ${args.join(' ')}: no form of a secret in its output or its files`, async () => {
    const r = await run(args);
    assert.is(r.code, 0, r.stderr);
    await assertNoLeak(args, r);
  });
}

test('template: the data of every Secret is masked on stdout, by kind, and the flag to see it is named', async () => {
  const r = await run(['template']);
  assert.match(r.stdout, /kind: Secret\n/);
  assert.match(r.stdout, /\.dockerconfigjson: "\*\*\*"/);
  assert.match(r.stdout, /- name: PIN\n\s+value: "\*\*\*"/);
  assert.match(r.stderr, /the data of \d+ Secrets is masked \(\*\*\*\): --show-secrets prints it/);
});

test('template --show-secrets prints them as rendered, and a number from a sops file unchanged', async () => {
  const r = await run(['template', '--show-secrets']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, `- name: PIN\n              value: "${m.pin}"`);
  assert.match(r.stdout, `value: ${JSON.stringify(m.token)}`);
  const config = /\.dockerconfigjson: (\S+)/.exec(r.stdout)?.[1] ?? '';
  assert.match(Buffer.from(config, 'base64').toString('utf8'), m.pull);
  assert.equal(leakingFiles(home, markers), [], 'still nothing in HOME/TMPDIR');
});

test('template --out: files readable by the user only (0600), directories 0700', async () => {
  const out = join(outside, 'render');
  const r = await run(['template', '--out', out]);
  assert.is(r.code, 0, r.stderr);
  await assertNoLeak(['template', '--out', out], r);
  const files = filesUnder(out);
  assert.ok(files.length > 10, `${files.length} files`);
  for (const f of files) assert.is((await stat(f)).mode & 0o777, 0o600, f);
  const dirs = new Set(files.map((f) => join(f, '..')));
  dirs.add(out);
  for (const d of dirs) assert.is((await stat(d)).mode & 0o777, 0o700, d);
  assert.ok(
    leakingFiles(out, markers).length > 0,
    'the render itself holds the secrets: the user asked for it',
  );
});

test.run();
