// README "Run it the way users do", run as written: its two lines are read from the README and run
// by bash, changed only where the README says (the tag, the command), as a user who is not root,
// with a fresh HOME of that user, a PATH without any checkout (no bin/runlevel, no .tools) and the
// values repo as the working directory: init → validate → template → check → deploy → status.
//
// The user: the machine runs the tests as root, so the test takes a fixed uid:gid that no account
// uses (no /etc/passwd entry, and none is needed: `id -u` prints the number, `~` is $HOME) and runs
// each line as that uid (test/helpers/unprivileged.ts), its only supplementary group the Docker socket's group (the
// engine's socket is root:docker 0660). The socket lives under /root (0700), which that user cannot
// traverse, so the test gives it a hard link to the same socket in a directory it can reach (a
// socket is found by its inode; nothing of the engine changes). Its kubeconfig is a copy of the
// shared cluster's, which `runlevel cluster up` writes self-contained: nothing else is mounted.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, linkSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { coreRoot } from '../../core/shared/paths.js';
import { sectionShellBlocks } from '../helpers/doc-steps.js';
import { fixture, removeFixture } from '../helpers/fixture.js';
import { helmReleasesByName } from '../helpers/kube.js';
import { otherUserPrefix } from '../helpers/unprivileged.js';
import { image } from './docker.js';

const uid = 23_456; // no account on the machine has it (checked below)
const version = JSON.parse(readFileSync(join(coreRoot, 'package.json'), 'utf8')).version as string;
const readmeTag = `runlevel:${version}`;
const readmeCommand = 'deploy --cluster dev';
const [initLine = '', runLine = ''] = sectionShellBlocks(
  join(coreRoot, 'README.md'),
  '### Run it the way users do',
);

let scratch = '';
let home = '';
let socket = '';
let dockerGid = 0;

/** One README line, run by bash as the test user in `cwd`. */
async function asUser(line: string, cwd: string, timeoutMs = 600_000) {
  const [cmd = '', ...prefix] = otherUserPrefix(uid, uid, [dockerGid]);
  const r = await execa(cmd, [...prefix, 'bash', '-c', line], {
    cwd,
    env: {
      HOME: home,
      PATH: '/usr/local/bin:/usr/bin:/bin',
      KUBECONFIG: join(home, '.kube/config'),
      DOCKER_HOST: `unix://${socket}`,
      LANG: 'C.UTF-8',
    },
    extendEnv: false,
    reject: false,
    timeout: timeoutMs,
  });
  return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** The README's run line with its command replaced, as the README allows. */
function runWith(command: string): string {
  return runLine.replace(readmeTag, image).replace(new RegExp(`${readmeCommand}$`), command);
}

test.before(async () => {
  assert.ok(image && process.env.KUBECONFIG && process.env.DOCKER_HOST, 'the image tier sets these');
  const passwd = readFileSync('/etc/passwd', 'utf8');
  assert.not.match(passwd, new RegExp(`^[^:]*:[^:]*:${uid}:`, 'm'), `uid ${uid} is free`);
  scratch = await fixture({}, 'runlevel-user-line-');
  chmodSync(scratch, 0o755);
  home = join(scratch, 'home');
  mkdirSync(join(home, '.kube'), { recursive: true });
  copyFileSync(process.env.KUBECONFIG ?? '', join(home, '.kube/config'));
  chmodSync(join(home, '.kube/config'), 0o600);
  mkdirSync(join(home, 'work'));
  execFileSync('chown', ['-R', `${uid}:${uid}`, home]);
  chmodSync(home, 0o700);
  const engine = (process.env.DOCKER_HOST ?? '').replace(/^unix:\/\//, '');
  const st = statSync(engine);
  assert.ok(st.isSocket() && (st.mode & 0o060) === 0o060, `${engine}: a socket its group may use`);
  dockerGid = st.gid;
  mkdirSync(join(scratch, 'docker'), { mode: 0o755 });
  socket = join(scratch, 'docker/engine.sock');
  linkSync(engine, socket);
});

test.after(async () => {
  if (scratch) await removeFixture(scratch);
});

test('the README shows the two lines the test runs, with the tag and command it substitutes', () => {
  assert.ok(initLine.startsWith('mkdir -p ~/.config/runlevel/age && docker run '), initLine);
  assert.match(initLine, ` ${readmeTag} init my-values --cluster dev`);
  assert.ok(runLine.startsWith('docker run --rm --read-only'), runLine);
  assert.ok(runLine.endsWith(`${readmeTag} ${readmeCommand}`), runLine);
  assert.is(runLine.split(readmeTag).length, 2, 'the tag appears once');
});

test('the user is not root, and no checkout is on its PATH', async () => {
  const r = await asUser('id -u; id -G; command -v runlevel helm sops || true', home);
  assert.is(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim().split('\n'), [String(uid), `${uid} ${dockerGid}`]);
});

test('init, as the README shows it: the repo and its key belong to the user, first commit made', async () => {
  const r = await asUser(initLine.replace(readmeTag, image), join(home, 'work'));
  assert.is(r.code, 0, `${r.stdout}\n${r.stderr}`);
  const repo = join(home, 'work/my-values');
  const key = join(home, '.config/runlevel/age/my-values.key');
  const k = statSync(key);
  assert.is(k.uid, uid);
  assert.is(k.mode & 0o777, 0o600);
  assert.is(statSync(join(repo, 'runlevel.yaml')).uid, uid);
  assert.ok(readdirSync(join(repo, 'clusters/dev')).some((f) => f.endsWith('.sops.yaml')));
  const log = await execa('git', [
    '-c',
    'safe.directory=*',
    '-C',
    repo,
    'log',
    '--format=%an <%ae>|%cn <%ce>|%s',
  ]);
  assert.is(
    log.stdout,
    'runlevel init <runlevel-init@localhost>|runlevel init <runlevel-init@localhost>|runlevel init: cluster dev (environment dev)',
  );
});

test('validate, template, check, deploy and status: the README line as is, with the command swapped', async () => {
  const repo = join(home, 'work/my-values');
  const validate = await asUser(runWith('validate --cluster dev'), repo);
  assert.is(validate.code, 0, validate.stderr);
  assert.match(validate.stderr, /dev: values valid/);

  const template = await asUser(runWith('template --cluster dev'), repo);
  assert.is(template.code, 0, template.stderr);
  assert.match(template.stdout, /^kind: Deployment$/m);

  const check = await asUser(runWith('check --cluster dev'), repo);
  assert.is(check.code, 0, check.stderr);

  const deploy = await asUser(runLine.replace(readmeTag, image), repo); // the line exactly, deploy included
  assert.is(deploy.code, 0, deploy.stderr);
  const releases = await helmReleasesByName(process.env.KUBECONFIG ?? '');
  assert.ok(releases.size > 0);
  for (const [name, r] of releases) assert.is(r.status, 'deployed', name);

  const status = await asUser(runWith('status --cluster dev -o json'), repo);
  assert.is(status.code, 0, status.stderr);
  assert.is(JSON.parse(status.stdout).inSync, true);
  assert.not.match(`${deploy.stderr}${status.stderr}`, /\n\s+at .+:\d+:\d+/, 'no stack trace');
});

test('the key as -e SOPS_AGE_KEY instead of the /keys mount, as the README offers', async () => {
  const repo = join(home, 'work/my-values');
  const line = runWith('validate --cluster dev').replace(
    ' -v ~/.config/runlevel/age:/keys:ro',
    ' -e SOPS_AGE_KEY',
  );
  assert.is.not(line, runWith('validate --cluster dev'));
  const r = await asUser(`SOPS_AGE_KEY=$(cat ~/.config/runlevel/age/my-values.key) ${line}`, repo);
  assert.is(r.code, 0, r.stderr);
});

test('no capability is needed: the same line with --cap-drop ALL', async () => {
  const line = runWith('status --cluster dev').replace('docker run ', 'docker run --cap-drop ALL ');
  assert.match(line, 'docker run --cap-drop ALL --rm --read-only');
  const r = await asUser(line, join(home, 'work/my-values'));
  assert.is(r.code, 0, r.stderr);
});

test('a kubeconfig that names its certificate files by path: exit 2 in the container, with the way out', async () => {
  const repo = join(home, 'work/my-values');
  // The same cluster, its certificates written out as files beside a kubeconfig naming them.
  const split = [
    'mkdir -p ~/.kube/pki && cd ~/.kube',
    'for f in certificate-authority client-certificate client-key; do grep "$f-data:" config | head -1 | sed "s/.*: *//" | base64 -d > pki/$f; done',
    'sed -e "s#certificate-authority-data: .*#certificate-authority: $HOME/.kube/pki/certificate-authority#" -e "s#client-certificate-data: .*#client-certificate: $HOME/.kube/pki/client-certificate#" -e "s#client-key-data: .*#client-key: $HOME/.kube/pki/client-key#" config > by-path',
  ].join(' && ');
  const made = await asUser(split, home);
  assert.is(made.code, 0, made.stderr);
  const r = await asUser(`KUBECONFIG=$HOME/.kube/by-path; ${runWith('status --cluster dev')}`, repo);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, 'kubeconfig /kube/config names certificate files that cannot be read');
  assert.match(r.stderr, `certificate-authority ${home}/.kube/pki/certificate-authority does not exist`);
  assert.match(r.stderr, 'kubectl config view --flatten --minify');
  assert.not.match(r.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace');
});

test('init without the /keys mount stops before writing anything and names the mount', async () => {
  const line = initLine
    .replace(readmeTag, image)
    .replace(' -v ~/.config/runlevel/age:/keys', '')
    .replace('my-values', 'no-keys');
  const r = await asUser(line, join(home, 'work'));
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, 'cannot write the new age key /keys/no-keys.key');
  assert.match(r.stderr, '-v ~/.config/runlevel/age:/keys');
  assert.not.ok(readdirSync(join(home, 'work')).includes('no-keys'), 'no half-made repo');
});

test('destroy through the same line leaves the shared cluster as the test found it', async () => {
  const r = await asUser(runWith('destroy --cluster dev --yes'), join(home, 'work/my-values'));
  assert.is(r.code, 0, r.stderr);
  assert.is((await helmReleasesByName(process.env.KUBECONFIG ?? '')).size, 0);
});

test.run();
