// Two clusters that reach one API server, found from what each kubeconfig reached: the kube-system
// UID decides when both were read, else the URL with its CA; the message names both and where from.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  normalizeServer,
  type ServerIdentity,
  sharedServerMessage,
  sharedServers,
} from '../../../core/rollout/same-server.js';

const id = (cluster: string, more: Partial<ServerIdentity> = {}): ServerIdentity => ({
  cluster,
  kubeconfig: `/home/ops/.kube/${cluster}`,
  context: `ctx-${cluster}`,
  server: `https://${cluster}.example.com:6443`,
  ca: `ca-${cluster}`,
  uid: `uid-${cluster}`,
  ...more,
});

const pairs = (ids: ServerIdentity[]) =>
  sharedServers(ids).map((s) => [s.first.cluster, s.second.cluster, s.by]);

test('distinct clusters: nothing shared', () => {
  assert.equal(pairs([id('a'), id('b'), id('c')]), []);
});

test('one kube-system UID behind two URLs is one server', () => {
  const a = id('a', { server: 'https://127.0.0.1:6443', uid: 'u1' });
  const b = id('b', { server: 'https://localhost:6443', uid: 'u1', ca: 'other' });
  assert.equal(pairs([a, b, id('c')]), [['a', 'b', 'uid']]);
});

test('the same URL with two UIDs is not (the server was recreated between the reads)', () => {
  const server = 'https://10.0.0.1:6443';
  assert.equal(pairs([id('a', { server, ca: 'x' }), id('b', { server, ca: 'x' })]), []);
});

test('a UID unreadable (no right to read namespaces): the same URL and CA is one server', () => {
  const server = 'https://10.0.0.1:6443';
  const a = id('a', { server, ca: 'x', uid: undefined });
  assert.equal(pairs([a, id('b', { server, ca: 'x' })]), [['a', 'b', 'server']]);
  assert.equal(pairs([a, id('b', { server, ca: 'y' })]), [], 'another CA: another server');
});

test('every pair is listed, in the order given', () => {
  const same = { uid: 'u' };
  assert.equal(pairs([id('a', same), id('b'), id('c', same), id('d', same)]), [
    ['a', 'c', 'uid'],
    ['a', 'd', 'uid'],
    ['c', 'd', 'uid'],
  ]);
});

test('server URLs compare normalized', () => {
  assert.is(normalizeServer('https://API.Example.com:443/'), 'https://api.example.com');
  assert.is(normalizeServer('https://api.example.com:6443/k8s/'), 'https://api.example.com:6443/k8s');
  assert.is(normalizeServer('not a url '), 'not a url');
});

test('the message names both clusters, their contexts and kubeconfigs, and how it is known', () => {
  const [byUid] = sharedServers([id('prod-eu', { uid: 'u1' }), id('prod-us', { uid: 'u1' })]);
  assert.ok(byUid);
  assert.is(
    sharedServerMessage(byUid),
    'prod-eu (context "ctx-prod-eu" in /home/ops/.kube/prod-eu) and prod-us (context "ctx-prod-us" in ' +
      "/home/ops/.kube/prod-us) reach the same API server (the same kube-system namespace UID u1): a deploy of one would overwrite the other's platform",
  );
  const server = 'https://10.0.0.1:6443';
  const [byUrl] = sharedServers([id('a', { server, uid: undefined }), id('b', { server, ca: 'ca-a' })]);
  assert.ok(byUrl);
  assert.match(sharedServerMessage(byUrl), '(the same server https://10.0.0.1:6443 and CA)');
});

test.run();
