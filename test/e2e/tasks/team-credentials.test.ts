// team-credentials against the real local cluster, through the runner and through `runlevel task`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../../helpers/cli.js';
import { fixture, removeFixture } from '../../helpers/fixture.js';
import {
  cluster,
  createNamespace,
  deleteNamespaces,
  ignoreNotFound,
  runNamed,
  teamsValues,
  uid,
} from '../../helpers/tasks-harness.js';

const id = uid();
const teams = [`tc${id}a`, `tc${id}b`];
const namespaces = teams.map((t) => `team-${t}`);
const { core } = cluster();
let valuesDir = '';

async function tokens(): Promise<string[]> {
  const secrets = await Promise.all(
    namespaces.map((namespace) => core.readNamespacedSecret({ name: 'team-credentials', namespace })),
  );
  return secrets.map((s) => Buffer.from(s.data?.token ?? '', 'base64').toString('utf8'));
}

test.before(async () => {
  for (const ns of namespaces) await createNamespace(core, ns);
  valuesDir = await fixture({
    'runlevel.yaml': 'core: "0.1.0"\nclusters:\n  dev:\n    environment: dev\ncontract: 2\n',
    'clusters/dev/settings.yaml':
      'cluster:\n  domain: dev.example.com\nplatform:\n  sso:\n    enabled: false\n',
    ...Object.fromEntries(teams.map((t) => [`common/teams/${t}.yaml`, 'members: []\n'])),
  });
});

test.after(async () => {
  await deleteNamespaces(core, namespaces);
  await removeFixture(valuesDir);
});

test('creates one random token per team, once; re-runs never rotate it', async () => {
  const r = await runNamed('team-credentials', teamsValues(teams));
  assert.equal(
    r.changed,
    namespaces.map((ns) => `created Secret ${ns}/team-credentials`),
  );
  const first = await tokens();
  for (const t of first) assert.match(t, /^[A-Za-z0-9_-]{43}$/);
  assert.is.not(first[0], first[1], 'each team its own token');
  assert.equal((await runNamed('team-credentials', teamsValues(teams))).changed, []);
  assert.equal(await tokens(), first);
});

test('deleting a Secret is how to rotate: only that one is made again', async () => {
  const before = await tokens();
  await core.deleteNamespacedSecret({ name: 'team-credentials', namespace: namespaces[0] ?? '' });
  const r = await runNamed('team-credentials', teamsValues(teams));
  assert.equal(r.changed, [`created Secret ${namespaces[0]}/team-credentials`]);
  const after = await tokens();
  assert.is.not(after[0], before[0]);
  assert.is(after[1], before[1]);
});

test('a Secret made by hand without a token gets one; its other keys stay', async () => {
  const namespace = namespaces[1] ?? '';
  await core.deleteNamespacedSecret({ name: 'team-credentials', namespace });
  await core.createNamespacedSecret({
    namespace,
    body: { metadata: { name: 'team-credentials' }, stringData: { note: 'mine' } },
  });
  const r = await runNamed('team-credentials', teamsValues(teams));
  assert.equal(r.changed, [`added token to Secret ${namespace}/team-credentials`]);
  const s = await core.readNamespacedSecret({ name: 'team-credentials', namespace });
  assert.is(Buffer.from(s.data?.note ?? '', 'base64').toString(), 'mine');
  assert.match((await tokens())[1] ?? '', /^[A-Za-z0-9_-]{43}$/);
});

test('runlevel task team-credentials: reports changes, never prints a token, then "nothing to change"', async () => {
  for (const namespace of namespaces)
    await ignoreNotFound(() => core.deleteNamespacedSecret({ name: 'team-credentials', namespace }));
  const args = ['task', 'team-credentials', '--values', valuesDir, '--cluster', 'dev'];
  const first = await runCli(args);
  assert.is(first.code, 0, first.stderr);
  assert.match(first.stderr, `✚ created Secret ${namespaces[0]}/team-credentials`);
  assert.match(first.stderr, 'task team-credentials: 2 change(s)');
  for (const token of await tokens()) {
    assert.not.match(first.stdout + first.stderr, token);
    assert.not.match(first.stdout + first.stderr, Buffer.from(token).toString('base64'));
  }
  const again = await runCli([...args, '-o', 'json']);
  assert.is(again.code, 0, again.stderr);
  assert.match(again.stderr, 'task team-credentials: nothing to change');
  assert.equal(JSON.parse(again.stdout), { task: 'team-credentials', changed: [] });
});

test.run();
