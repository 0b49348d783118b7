// The agent's git boundary (core/sync/git.ts) against a real git server on 127.0.0.1 (git
// http-backend, started and stopped by PID): shallow fetches, a force-push told from a
// fast-forward, commits verified with git's own verify-commit, credentials from files never shown.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { gitRemote } from '../../../core/sync/git.js';
import { type GitServer, startGitServer } from '../../helpers/git-server.js';

let server: GitServer;
let dir: string;

test.before(async () => {
  server = await startGitServer();
  dir = await mkdtemp(join(tmpdir(), 'runlevel-sync-git-'));
});

test.after(async () => {
  await server?.remove();
  await rm(dir, { recursive: true, force: true });
});

test('fetch: the head, shallow; a fast-forward is not a rewrite; a force-push is', async () => {
  const remote = gitRemote({ url: server.url, branch: 'main', dir: join(dir, 'a') });
  const c1 = await server.commit({ 'runlevel.yaml': 'core: "1.0.0"\n' }, 'one');
  assert.equal(await remote.fetch(), { commit: c1, rewritten: false });
  const shallow = await execa('git', ['-C', join(dir, 'a/repo'), 'rev-parse', '--is-shallow-repository']);
  assert.is(shallow.stdout.trim(), 'true');

  const c2 = await server.commit({ 'a.yaml': 'a: 1\n' }, 'two');
  assert.equal(await remote.fetch(), { commit: c2, rewritten: false });
  assert.equal(await remote.fetch(), { commit: c2, rewritten: false }, 'nothing new');

  const c3 = await server.forcePush({ 'a.yaml': 'a: 2\n' }, 'two, rewritten');
  assert.equal(await remote.fetch(), { commit: c3, rewritten: true });

  const tree = await remote.checkout(c3);
  assert.is(await readFile(join(tree, 'a.yaml'), 'utf8'), 'a: 2\n');
  await writeFile(join(tree, 'stray.txt'), 'x');
  await remote.checkout(c1);
  await rejects(readFile(join(tree, 'a.yaml'), 'utf8'), undefined, 'a clean tree of c1');
  await rejects(readFile(join(tree, 'stray.txt'), 'utf8'));
});

test('describe: subject, author and date of a fetched commit (for the page); unknown: undefined', async () => {
  const remote = gitRemote({ url: server.url, branch: 'main', dir: join(dir, 'g') });
  const c = await server.commit({ 'g.yaml': 'g: 1\n' }, 'team blue: more memory');
  await remote.fetch();
  const d = await remote.describe?.(c);
  assert.is(d?.subject, 'team blue: more memory');
  assert.is(d?.author, 'dev');
  assert.ok(!Number.isNaN(Date.parse(d?.date ?? '')), d?.date);
  assert.is(await remote.describe?.('0'.repeat(40)), undefined);
});

test('a new agent on a kept directory knows the head it had (a restart)', async () => {
  const first = gitRemote({ url: server.url, branch: 'main', dir: join(dir, 'b') });
  const c1 = (await first.fetch()).commit;
  const c2 = await server.commit({ 'b.yaml': 'b: 1\n' }, 'b');
  const again = gitRemote({ url: server.url, branch: 'main', dir: join(dir, 'b') });
  assert.equal(await again.fetch(), { commit: c2, rewritten: false });
  assert.is.not(c1, c2);
});

test('verify: a commit signed by an allowed SSH key passes; unsigned and unknown signers do not', async () => {
  const remote = gitRemote({
    url: server.url,
    branch: 'main',
    dir: join(dir, 'c'),
    allowedSigners: server.allowedSigners,
  });
  const signed = await server.commit({ 's.yaml': 's: 1\n' }, 'signed', { sign: true });
  await remote.fetch();
  assert.is(await remote.verify(signed), undefined);

  const unsigned = await server.commit({ 's.yaml': 's: 2\n' }, 'unsigned');
  await remote.fetch();
  assert.match((await remote.verify(unsigned)) ?? '', /is not signed$/);

  const other = join(dir, 'other_signers');
  const key = join(dir, 'other');
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'x', '-f', key]);
  await writeFile(other, `someone@else ${(await readFile(`${key}.pub`, 'utf8')).trim()}\n`);
  const strict = gitRemote({ url: server.url, branch: 'main', dir: join(dir, 'c'), allowedSigners: other });
  assert.match((await strict.verify(signed)) ?? '', /not signed by an allowed signer/);
});

test('the server down: fetch fails with a clear error; back up: fetch works again', async () => {
  const remote = gitRemote({ url: server.url, branch: 'main', dir: join(dir, 'd'), timeoutMs: 30_000 });
  await remote.fetch();
  const pid = server.pid();
  await server.stop();
  assert.ok(pid !== undefined && !(await alive(pid)), 'stopped by its PID');
  await rejects(remote.fetch(), /fetching http:\/\/127\.0\.0\.1:\d+\/values\.git \(branch main\) failed/);
  await server.start();
  const c = await server.commit({ 'd.yaml': 'd: 1\n' }, 'after restart');
  assert.is((await remote.fetch()).commit, c);
});

test('credentials from files: fetch works, a wrong one fails, the secret never in a message', async () => {
  const secret = 's3cr3t-token-value';
  const authed = await startGitServer({ auth: `bot:${secret}` });
  try {
    await authed.commit({ 'x.yaml': 'x: 1\n' }, 'x');
    const creds = join(dir, 'creds');
    await execa('mkdir', ['-p', creds]);
    await writeFile(join(creds, 'username'), 'bot');
    await writeFile(join(creds, 'password'), secret);
    const ok = gitRemote({ url: authed.url, branch: 'main', dir: join(dir, 'e'), credentialsDir: creds });
    assert.ok((await ok.fetch()).commit);

    await writeFile(join(creds, 'password'), 'wrong-token');
    const bad = gitRemote({ url: authed.url, branch: 'main', dir: join(dir, 'f'), credentialsDir: creds });
    const err = await bad.fetch().then(
      () => undefined,
      (e: Error) => e,
    );
    assert.ok(err, 'refused');
    assert.not.match(String(err?.message), secret);
    assert.not.match(String(err?.message), 'wrong-token');

    const none = gitRemote({ url: authed.url, branch: 'main', dir: join(dir, 'g') });
    await rejects(none.fetch(), /failed/, 'no credentials, no prompt: it fails at once');
  } finally {
    await authed.remove();
  }
});

/** Resolves with the rejection's message; fails the test when the promise resolves or the message does not match. */
async function rejects(p: Promise<unknown>, match?: RegExp, why?: string): Promise<string> {
  const message = await p.then(
    () => undefined,
    (e: Error) => String(e?.message ?? e),
  );
  assert.ok(message !== undefined, why ?? 'expected a failure');
  if (match) assert.match(message ?? '', match);
  return message ?? '';
}

async function alive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test.run();
