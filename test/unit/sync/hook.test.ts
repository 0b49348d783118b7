// Hook verification (core/sync/hook.ts): GitHub and Gitea HMACs, GitLab's token, and refusals.
import { createHmac } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { repositoryOf } from '../../../core/cli/sync-upgrade.js';
import { verifyHook } from '../../../core/sync/hook.js';
import { parseListen } from '../../../core/sync/server.js';

const secret = 'hook-secret';
const body = Buffer.from(JSON.stringify({ ref: 'refs/heads/main', after: 'abc' }));
const hmac = (b: Buffer, s = secret) => createHmac('sha256', s).update(b).digest('hex');

test('GitHub: X-Hub-Signature-256 over the body', () => {
  assert.equal(verifyHook({ 'x-hub-signature-256': `sha256=${hmac(body)}` }, body, secret), {
    ok: true,
    forge: 'github',
    branch: 'main',
  });
  const tampered = Buffer.from(body.toString().replace('main', 'prod'));
  assert.is(verifyHook({ 'x-hub-signature-256': `sha256=${hmac(body)}` }, tampered, secret).ok, false);
  assert.is(verifyHook({ 'x-hub-signature-256': `sha256=${hmac(body, 'other')}` }, body, secret).ok, false);
  assert.is(verifyHook({ 'x-hub-signature-256': hmac(body) }, body, secret).ok, false, 'prefix required');
});

test('Gitea: X-Gitea-Signature is the bare hex HMAC', () => {
  assert.is(verifyHook({ 'x-gitea-signature': hmac(body) }, body, secret).ok, true);
  assert.is(verifyHook({ 'x-gitea-signature': hmac(body, 'x') }, body, secret).ok, false);
});

test('GitLab: X-Gitlab-Token is the secret itself', () => {
  assert.is(verifyHook({ 'x-gitlab-token': secret }, body, secret).ok, true);
  assert.is(verifyHook({ 'x-gitlab-token': 'nope' }, body, secret).ok, false);
});

test('unsigned, or no secret configured: refused with why', () => {
  const v = verifyHook({}, body, secret);
  assert.is(v.ok, false);
  assert.match(!v.ok ? v.why : '', /not signed/);
  const none = verifyHook({ 'x-hub-signature-256': `sha256=${hmac(body)}` }, body, undefined);
  assert.match(!none.ok ? none.why : '', /no hook secret/);
});

test('a body that is not JSON still verifies; the branch is then unknown', () => {
  const raw = Buffer.from('payload=1');
  assert.equal(verifyHook({ 'x-hub-signature-256': `sha256=${hmac(raw)}` }, raw, secret), {
    ok: true,
    forge: 'github',
    branch: undefined,
  });
});

test('--listen: host:port, [v6]:port, :port', () => {
  assert.equal(parseListen('127.0.0.1:8080'), { host: '127.0.0.1', port: 8080 });
  assert.equal(parseListen('[::1]:9'), { host: '::1', port: 9 });
  assert.equal(parseListen(':8080'), { host: '0.0.0.0', port: 8080 });
  assert.is(parseListen('8080'), undefined);
  assert.is(parseListen('a:99999'), undefined);
});

test('the repository a self-upgrade pulls from is the one the agent runs from (a mirror with a port)', () => {
  assert.is(repositoryOf('127.0.0.1:5000/mirror/runlevel:0.1.0@sha256:ab'), '127.0.0.1:5000/mirror/runlevel');
  assert.is(repositoryOf('127.0.0.1:5000/runlevel'), '127.0.0.1:5000/runlevel');
  assert.is(repositoryOf('runlevel:0.1.0'), 'runlevel');
});

test.run();
