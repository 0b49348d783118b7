// copy-platform-ca against the real local cluster.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ExitCode } from '../../../core/shared/exit-codes.js';
import {
  cluster,
  createNamespace,
  deleteNamespaces,
  ignoreNotFound,
  rejection,
  runNamed,
  teamsValues,
  uid,
} from '../../helpers/tasks-harness.js';

const id = uid();
const teams = [`ca${id}a`, `ca${id}b`];
const namespaces = teams.map((t) => `team-${t}`);
const values = teamsValues(teams);
const system = 'runlevel-system';
const { core } = cluster();

async function setSource(data: Record<string, string>) {
  await ignoreNotFound(() => core.deleteNamespacedConfigMap({ name: 'platform-ca', namespace: system }));
  await core.createNamespacedConfigMap({
    namespace: system,
    body: { metadata: { name: 'platform-ca' }, data },
  });
}

async function copies() {
  return Promise.all(
    namespaces.map((namespace) => core.readNamespacedConfigMap({ name: 'platform-ca', namespace })),
  );
}

test.before(async () => {
  await createNamespace(core, system);
  for (const ns of namespaces) await createNamespace(core, ns);
  await ignoreNotFound(() => core.deleteNamespacedConfigMap({ name: 'platform-ca', namespace: system }));
});

test.after(async () => {
  await ignoreNotFound(() => core.deleteNamespacedConfigMap({ name: 'platform-ca', namespace: system }));
  await deleteNamespaces(core, namespaces);
});

test('no source ConfigMap: nothing to copy, nothing created', async () => {
  const r = await runNamed('copy-platform-ca', values);
  assert.equal(r.changed, []);
  for (const namespace of namespaces)
    await rejection(core.readNamespacedConfigMap({ name: 'platform-ca', namespace }));
});

test('copies ca.crt into every team namespace; a second run changes nothing', async () => {
  await setSource({ 'ca.crt': 'PEM-ONE', other: 'not copied' });
  const r = await runNamed('copy-platform-ca', values);
  assert.equal(
    r.changed,
    namespaces.map((ns) => `created ConfigMap ${ns}/platform-ca`),
  );
  for (const cm of await copies()) {
    assert.equal(cm.data, { 'ca.crt': 'PEM-ONE' });
    assert.is(cm.metadata?.labels?.['runlevel.dev/task'], 'copy-platform-ca');
  }
  const before = (await copies()).map((c) => c.metadata?.resourceVersion);
  assert.equal((await runNamed('copy-platform-ca', values)).changed, []);
  assert.equal(
    (await copies()).map((c) => c.metadata?.resourceVersion),
    before,
    'objects untouched',
  );
});

test('a changed CA is updated everywhere, then stable again', async () => {
  await setSource({ 'ca.crt': 'PEM-TWO' });
  const r = await runNamed('copy-platform-ca', values);
  assert.equal(
    r.changed,
    namespaces.map((ns) => `updated ConfigMap ${ns}/platform-ca`),
  );
  for (const cm of await copies()) assert.is(cm.data?.['ca.crt'], 'PEM-TWO');
  assert.equal((await runNamed('copy-platform-ca', values)).changed, []);
});

test('a source without ca.crt fails the task (exit 5) without retrying', async () => {
  await setSource({ 'bundle.pem': 'x' });
  const err = await rejection(runNamed('copy-platform-ca', values));
  assert.is(err.exitCode, ExitCode.deployFailed);
  assert.is(
    err.message,
    'task copy-platform-ca failed: ConfigMap runlevel-system/platform-ca has no key ca.crt',
  );
});

test('a missing team namespace is named, and nothing is created for it', async () => {
  await setSource({ 'ca.crt': 'PEM-TWO' });
  const ghost = `ca${id}ghost`;
  const err = await rejection(runNamed('copy-platform-ca', teamsValues([...teams, ghost])));
  assert.is(err.exitCode, ExitCode.deployFailed);
  assert.match(err.message, `namespace team-${ghost} not found`);
  assert.match(err.hint ?? '', '60-teams');
});

test.run();
