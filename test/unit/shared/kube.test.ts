// One kubeconfig per command (core/shared/kube.ts): --kubeconfig names one file; a KUBECONFIG
// list is merged as kubectl merges it (first definition and first current-context win, files
// that do not exist are skipped), not read as one path.
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UserError } from '../../../core/shared/errors.js';
import { loadKubeConfig } from '../../../core/shared/kube.js';
import { fixture, removeFixture } from '../../helpers/fixture.js';

const kubeconfig = (o: {
  cluster: string;
  server: string;
  context: string;
  current?: string;
  ca?: string;
}) => `
apiVersion: v1
kind: Config
clusters:
- name: ${o.cluster}
  cluster:
    server: ${o.server}${o.ca ? `\n    certificate-authority: ${o.ca}` : ''}
users:
- name: ${o.context}-user
  user:
    token: not-a-secret
contexts:
- name: ${o.context}
  context:
    cluster: ${o.cluster}
    user: ${o.context}-user
${o.current ? `current-context: ${o.current}` : ''}
`;

let dir = '';
let a = '';
let b = '';

test.before(async () => {
  dir = await fixture({
    'a/config': kubeconfig({
      cluster: 'shared',
      server: 'https://a.invalid',
      context: 'ctx-a',
      ca: 'ca.crt',
    }),
    'b/config': kubeconfig({
      cluster: 'shared',
      server: 'https://b.invalid',
      context: 'ctx-b',
      current: 'ctx-b',
    }),
    'c/config': kubeconfig({ cluster: 'c', server: 'https://c.invalid', context: 'ctx-c', current: 'ctx-c' }),
    'a/ca.crt': 'not a certificate: read, never parsed here',
  });
  a = join(dir, 'a/config');
  b = join(dir, 'b/config');
});

test.after(async () => {
  await removeFixture(dir);
});

test('a KUBECONFIG list is merged: the first file to define a name wins, the first current-context wins', () => {
  const c = join(dir, 'c/config');
  const kc = loadKubeConfig(undefined, { KUBECONFIG: [a, join(dir, 'missing'), b, c].join(':') });
  assert.equal(
    kc.getContexts().map((x) => x.name),
    ['ctx-a', 'ctx-b', 'ctx-c'],
  );
  assert.is(kc.getCurrentContext(), 'ctx-b', 'a has none; b sets it first');
  assert.is(kc.getCurrentCluster()?.server, 'https://a.invalid', 'cluster "shared" as a defines it');
  assert.is(kc.getCluster('shared')?.caFile, join(dir, 'a/ca.crt'), 'relative to its own file');
});

test('--kubeconfig names one file; the KUBECONFIG list is then not read', () => {
  const kc = loadKubeConfig(b, { KUBECONFIG: `${a}:${join(dir, 'c/config')}` });
  assert.equal(
    kc.getContexts().map((x) => x.name),
    ['ctx-b'],
  );
  assert.is(kc.getCurrentCluster()?.server, 'https://b.invalid');
});

test('a list where no file exists, or no current context is set, is a clear error', () => {
  const missing = `${join(dir, 'x')}:${join(dir, 'y')}`;
  assert.throws(
    () => loadKubeConfig(undefined, { KUBECONFIG: missing }),
    (e: Error) =>
      e instanceof UserError && e.message.includes(`cannot read kubeconfig KUBECONFIG ${missing}`),
  );
  assert.throws(
    () => loadKubeConfig(undefined, { KUBECONFIG: `${a}:${join(dir, 'x')}` }),
    (e: Error) => e instanceof UserError && /has no current cluster/.test(e.message),
  );
});

test('a certificate file the kubeconfig names but nobody can read is a user error (exit 2) with the way out', async () => {
  const d = await fixture({
    config: kubeconfig({
      cluster: 'x',
      server: 'https://x.invalid',
      context: 'x',
      current: 'x',
      ca: '/host/pki/ca.crt',
    }),
  });
  try {
    assert.throws(
      () => loadKubeConfig(join(d, 'config'), {}),
      (e: Error) =>
        e instanceof UserError &&
        e.exitCode === 2 &&
        e.message === `kubeconfig ${join(d, 'config')} names certificate files that cannot be read` &&
        e.problems[0]?.message === 'cluster "x": certificate-authority /host/pki/ca.crt does not exist' &&
        /kubectl config view --flatten/.test(e.hint ?? ''),
    );
  } finally {
    await removeFixture(d);
  }
});

test('without --kubeconfig and KUBECONFIG, ~/.kube/config', () => {
  assert.throws(
    () => loadKubeConfig(undefined, { HOME: dir }),
    (e: Error) => e.message.includes(`cannot read kubeconfig ${join(dir, '.kube/config')}`),
  );
});

test.run();
