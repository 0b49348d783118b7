// copy-pull-secret against the real local cluster: the copy, the default ServiceAccount, Helm's own
// copy left alone, and the clean-up when the setting is turned off.
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
const teams = [`ps${id}a`, `ps${id}b`];
const [nsA, nsB] = teams.map((t) => `team-${t}`) as [string, string];
const system = 'runlevel-system';
const name = 'registry-pull';
const type = 'kubernetes.io/dockerconfigjson';
const { core } = cluster();
const enabled = (on: boolean) =>
  teamsValues(teams, {
    platform: { registry: { pullSecret: { enabled: on, username: 'u', password: 'p' } } },
  });
const config = (user: string) =>
  Buffer.from(JSON.stringify({ auths: { 'mirror.example.com': { username: user } } })).toString('base64');

async function pullSecrets(namespace: string): Promise<string[]> {
  const sa = await core.readNamespacedServiceAccount({ name: 'default', namespace });
  return (sa.imagePullSecrets ?? []).map((s) => s.name ?? '');
}

test.before(async () => {
  await createNamespace(core, system);
  await createNamespace(core, nsA);
  await createNamespace(core, nsB);
  await ignoreNotFound(() => core.deleteNamespacedSecret({ name, namespace: system }));
});

test.after(async () => {
  await ignoreNotFound(() => core.deleteNamespacedSecret({ name, namespace: system }));
  await deleteNamespaces(core, [nsA, nsB]);
});

test('disabled with nothing in place: nothing to do', async () => {
  assert.equal((await runNamed('copy-pull-secret', enabled(false))).changed, []);
});

test('enabled without the source Secret: a clear failure pointing at runlevel 00', async () => {
  const err = await rejection(runNamed('copy-pull-secret', enabled(true)));
  assert.is(err.exitCode, ExitCode.deployFailed);
  assert.match(err.message, `Secret ${system}/${name} does not exist`);
  assert.match(err.hint ?? '', '00-init');
});

test("copies the Secret and lists it in each team's default ServiceAccount; a re-run changes nothing", async () => {
  await core.createNamespacedSecret({
    namespace: system,
    body: { metadata: { name }, type, data: { '.dockerconfigjson': config('one') } },
  });
  // Helm (the team chart) already made team B's copy, with its own content: it stays Helm's.
  await core.createNamespacedSecret({
    namespace: nsB,
    body: {
      metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'Helm' } },
      type,
      data: { '.dockerconfigjson': config('helm') },
    },
  });
  const r = await runNamed('copy-pull-secret', enabled(true));
  assert.equal(r.changed, [
    `created Secret ${nsA}/${name}`,
    `added ${name} to ServiceAccount ${nsA}/default imagePullSecrets`,
    `added ${name} to ServiceAccount ${nsB}/default imagePullSecrets`,
  ]);
  const copy = await core.readNamespacedSecret({ name, namespace: nsA });
  assert.is(copy.type, type);
  assert.is(copy.data?.['.dockerconfigjson'], config('one'));
  const helms = await core.readNamespacedSecret({ name, namespace: nsB });
  assert.is(helms.data?.['.dockerconfigjson'], config('helm'), "Helm's copy untouched");
  assert.equal(await pullSecrets(nsA), [name]);
  assert.equal(await pullSecrets(nsB), [name]);
  assert.equal((await runNamed('copy-pull-secret', enabled(true))).changed, []);
});

test('a changed source updates the copy; other ServiceAccount entries are kept', async () => {
  await core.patchNamespacedServiceAccount({
    name: 'default',
    namespace: nsA,
    body: [{ op: 'add', path: '/imagePullSecrets/-', value: { name: 'other' } }],
  });
  await core.replaceNamespacedSecret({
    name,
    namespace: system,
    body: { metadata: { name }, type, data: { '.dockerconfigjson': config('two') } },
  });
  const r = await runNamed('copy-pull-secret', enabled(true));
  assert.equal(r.changed, [`updated Secret ${nsA}/${name}`]);
  assert.is(
    (await core.readNamespacedSecret({ name, namespace: nsA })).data?.['.dockerconfigjson'],
    config('two'),
  );
  assert.equal(await pullSecrets(nsA), [name, 'other']);
});

test("disabled again: our copy and the ServiceAccount entries go, Helm's Secret stays", async () => {
  const r = await runNamed('copy-pull-secret', enabled(false));
  assert.equal(r.changed, [
    `deleted Secret ${nsA}/${name} (pull secret disabled)`,
    `removed ${name} from ServiceAccount ${nsA}/default imagePullSecrets`,
    `removed ${name} from ServiceAccount ${nsB}/default imagePullSecrets`,
  ]);
  await rejection(core.readNamespacedSecret({ name, namespace: nsA }));
  await core.readNamespacedSecret({ name, namespace: nsB });
  assert.equal(await pullSecrets(nsA), ['other']);
  assert.equal(await pullSecrets(nsB), []);
  assert.equal((await runNamed('copy-pull-secret', enabled(false))).changed, []);
});

test.run();
