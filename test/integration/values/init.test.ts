// `runlevel init` with the real sops and git: the new repo validates, its secrets are encrypted to
// a key outside the repo, the editor schemas are wired, and the pre-commit hook blocks bad values.

import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { coreRoot } from '../../../core/shared/paths.js';
import { resolveValues } from '../../../core/values/index.js';
import { runCli } from '../../helpers/cli.js';

const home = mkdtempSync(join(tmpdir(), 'runlevel-init-home-'));
const env = {
  HOME: home,
  XDG_CONFIG_HOME: '',
  RUNLEVEL_AGE_KEY_FILE: '',
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
};
const parent = mkdtempSync(join(tmpdir(), 'runlevel-init-'));
const repo = join(parent, 'acme-values');
const keyFile = join(home, '.config/runlevel/age/acme-values.key');

test('init creates a committed values repo and a key outside it', async () => {
  const r = await runCli(
    ['init', repo, '--cluster', 'edge-1', '--environment', 'prod', '--domain', 'edge.example.org'],
    {
      cwd: parent,
      env,
    },
  );
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, `age key: ${keyFile}`);
  assert.match(r.stderr, /age key .*acme-values\.key \(outside the repo/);
  assert.is(statSync(keyFile).mode & 0o777, 0o600);
  assert.match(
    readFileSync(keyFile, 'utf8'),
    /^# created: .*\n# public key: age1\w+\nAGE-SECRET-KEY-1\w+\n$/,
  );
  const log = await execa('git', ['log', '--oneline'], { cwd: repo, env });
  assert.match(log.stdout, /runlevel init: cluster edge-1 \(environment prod\)/);
  const status = await execa('git', ['status', '--porcelain'], { cwd: repo, env });
  assert.is(status.stdout, '');
  const files = (await execa('git', ['ls-files'], { cwd: repo })).stdout.split('\n');
  for (const f of [
    'runlevel.yaml',
    'clusters/edge-1/settings.yaml',
    'clusters/edge-1/secrets.sops.yaml',
    'environments/prod/settings.yaml',
  ]) {
    assert.ok(files.includes(f), `${f} not committed`);
  }
  assert.ok(!files.some((f) => f.endsWith('.key')), 'a key was committed');
});

test('init output passes validate, and its secrets never appear in plaintext', async () => {
  const v = await runCli(['validate', '--values', repo], { env });
  assert.is(v.code, 0, v.stderr);
  assert.match(v.stderr, /edge-1: values valid/);
  const resolved = await resolveValues({ valuesDir: repo, cluster: 'edge-1', ageKeyFile: keyFile });
  assert.is(resolved.values.cluster.domain, 'edge.example.org');
  assert.is(resolved.values.cluster.environment, 'prod');
  const password = resolved.values.platform.sso.adminPassword;
  assert.ok(password.length >= 20, 'a generated admin password');
  assert.equal(resolved.secrets, [password]);
  const secretFile = readFileSync(join(repo, 'clusters/edge-1/secrets.sops.yaml'), 'utf8');
  assert.match(secretFile, /adminPassword: ENC\[AES256_GCM/);
  const shown = await runCli(['values', '--values', repo, '--cluster', 'edge-1'], { env });
  assert.is(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /adminPassword: "\*\*\*"/);
  const tracked = (await execa('git', ['ls-files'], { cwd: repo })).stdout.split('\n');
  for (const f of tracked)
    assert.ok(!readFileSync(join(repo, f), 'utf8').includes(password), `${f} holds the plaintext`);
  assert.ok(!shown.stdout.includes(password) && !shown.stderr.includes(password));
});

test('the schema is wired for editors: modelines and .vscode/settings.json point at files that exist', () => {
  const settings = JSON.parse(readFileSync(join(repo, '.vscode/settings.json'), 'utf8'));
  for (const schema of Object.keys(settings['yaml.schemas']))
    assert.ok(existsSync(join(repo, schema)), schema);
  for (const f of [
    'runlevel.yaml',
    'common/settings.yaml',
    'common/teams/demo.yaml',
    'common/apps/hello.yaml',
    'clusters/edge-1/settings.yaml',
  ]) {
    const m = /^# yaml-language-server: \$schema=(\S+)$/m.exec(readFileSync(join(repo, f), 'utf8'));
    assert.ok(m?.[1], `${f} has no modeline`);
    assert.ok(existsSync(join(repo, f, '..', m[1])), `${f}: ${m[1]} does not exist`);
  }
  const team = JSON.parse(readFileSync(join(repo, '.schemas/team.schema.json'), 'utf8'));
  assert.is(team.$ref, 'values.schema.json#/$defs/team');
  const layer = readFileSync(join(repo, '.schemas/values.schema.json'), 'utf8');
  assert.ok(!layer.includes('"required"'), 'a layer file holds part of the values: nothing is required');
});

// The hook finds runlevel on PATH, as a teammate's machine has it: a directory of ours first, with
// Debian's unrelated /usr/sbin (systemd's runlevel) still on PATH after it.
const bin = mkdtempSync(join(tmpdir(), 'runlevel-init-bin-'));
symlinkSync(join(coreRoot, 'bin/runlevel'), join(bin, 'runlevel'));
const hookEnv = { ...env, PATH: `${bin}:${process.env.PATH}` };

test('the pre-commit hook names no path of the machine that ran init', () => {
  const hook = readFileSync(join(repo, '.githooks/pre-commit'), 'utf8');
  assert.not.match(hook, coreRoot);
  assert.not.match(hook, home);
});

test("a teammate without runlevel or the launcher on PATH is told so, and systemd's runlevel is never run", async () => {
  writeFileSync(
    join(repo, 'common/teams/demo.yaml'),
    `${readFileSync(join(repo, 'common/teams/demo.yaml'), 'utf8')}# a\n`,
  );
  const path = ['/usr/sbin', '/usr/bin', '/sbin', '/bin'].join(':');
  const r = await execa('git', ['commit', '-am', 'unvalidated'], {
    cwd: repo,
    env: { ...env, PATH: path },
    reject: false,
  });
  assert.is(r.exitCode, 1, r.stderr);
  assert.match(r.stderr, 'the values were not validated: neither runlevel-docker nor runlevel is on PATH');
  assert.not.match(r.stderr, 'unrecognized option');
  await execa('git', ['checkout', 'HEAD', '--', 'common/teams/demo.yaml'], { cwd: repo, env });
});

test('the pre-commit hook refuses values that do not validate', async () => {
  writeFileSync(join(repo, 'common/teams/demo.yaml'), 'members:\n  - name: x@example.com\n    role: owner\n');
  await execa('git', ['add', '.'], { cwd: repo, env });
  const bad = await execa('git', ['commit', '-m', 'bad'], { cwd: repo, env: hookEnv, reject: false });
  assert.is.not(bad.exitCode, 0);
  assert.match(
    bad.stderr,
    /common\/teams\/demo\.yaml:3:11 {2}teams\.demo\.members\[0\]\.role: must be one of/,
  );
  await execa('git', ['checkout', 'HEAD', '--', 'common/teams/demo.yaml'], { cwd: repo, env });
  writeFileSync(
    join(repo, 'common/teams/demo.yaml'),
    `${readFileSync(join(repo, 'common/teams/demo.yaml'), 'utf8')}# ok\n`,
  );
  const good = await execa('git', ['commit', '-am', 'good'], { cwd: repo, env: hookEnv, reject: false });
  assert.is(good.exitCode, 0, good.stderr);
});

test('the repo ignores rendered/: template --out rendered is written there, and a Secret manifest elsewhere stops the commit', async () => {
  assert.match(readFileSync(join(repo, '.gitignore'), 'utf8'), /^\/rendered\/$/m);
  const r = await runCli(['template', '--cluster', 'edge-1', '--out', 'rendered'], { cwd: repo, env });
  assert.is(r.code, 0, r.stderr);
  assert.ok(existsSync(join(repo, 'rendered/index.json')));
  const status = await execa('git', ['status', '--porcelain'], { cwd: repo, env });
  assert.is(status.stdout, '', 'the render is ignored: nothing for git to commit');
  // Elsewhere in the work tree a render is refused before any work, naming the way out.
  const inside = await runCli(['template', '--cluster', 'edge-1', '--out', 'out'], { cwd: repo, env });
  assert.is(inside.code, 2, inside.stderr);
  assert.match(inside.stderr, "echo '/out/' >> .gitignore");
  assert.not.ok(existsSync(join(repo, 'out')));
  // A Secret manifest copied out of the render and staged: the pre-commit hook (validate) refuses it.
  const secret = readdirSync(join(repo, 'rendered'), { recursive: true, encoding: 'utf8' }).find((f) =>
    f.endsWith('secrets.yaml'),
  );
  assert.ok(secret, 'the render holds a secrets.yaml');
  writeFileSync(join(repo, 'leak.yaml'), readFileSync(join(repo, 'rendered', secret), 'utf8'));
  await execa('git', ['add', 'leak.yaml'], { cwd: repo, env });
  const commit = await execa('git', ['commit', '-m', 'leak'], { cwd: repo, env: hookEnv, reject: false });
  assert.is.not(commit.exitCode, 0);
  assert.match(
    commit.stderr,
    /leak\.yaml:\d+:\d+ {2}a Secret manifest \(Secret\/[^)]+\) in plain text, tracked by git/,
  );
  await execa('git', ['rm', '-q', '--cached', 'leak.yaml'], { cwd: repo, env });
  rmSync(join(repo, 'leak.yaml'));
});

test('init refuses a non-empty directory and bad names, and leaves nothing behind', async () => {
  const again = await runCli(['init', repo, '--cluster', 'edge-1'], { env });
  assert.is(again.code, 2);
  assert.match(again.stderr, /is not empty/);
  const fresh = join(parent, 'other');
  const bad = await runCli(['init', fresh, '--cluster', 'Edge_1', '--domain', 'not a domain'], { env });
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /--cluster "Edge_1" is not a DNS-1123 label/);
  assert.match(bad.stderr, /--domain "not a domain" is not a DNS host name/);
  assert.ok(!existsSync(fresh));
  assert.ok(!existsSync(join(home, '.config/runlevel/age/other.key')));
});

test('init writes the key into RUNLEVEL_AGE_KEY_DIR, and commits as runlevel init when git knows nobody', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'runlevel-init-keydir-'));
  const target = join(dir, 'repos/cloned-name');
  // A HOME without .gitconfig and no GIT_* identity: as in the image.
  const bare = {
    HOME: dir,
    XDG_CONFIG_HOME: '',
    RUNLEVEL_AGE_KEY_FILE: '',
    RUNLEVEL_AGE_KEY_DIR: join(dir, 'keys'),
  };
  try {
    const r = await runCli(['init', target, '--cluster', 'dev'], { cwd: dir, env: bare });
    assert.is(r.code, 0, r.stderr);
    assert.is(r.stdout, `age key: ${join(dir, 'keys/cloned-name.key')}`);
    const log = await execa('git', ['log', '--format=%an <%ae> %cn <%ce>'], { cwd: target, env: bare });
    assert.is(log.stdout, 'runlevel init <runlevel-init@localhost> runlevel init <runlevel-init@localhost>');
  } finally {
    rmSync(dir, { recursive: true, force: true }); // the mkdtemp above, nothing else
  }
});

test.after(() => {
  // the three directories made above, nothing else
  for (const dir of [home, parent, bin]) rmSync(dir, { recursive: true, force: true });
});

test.run();
