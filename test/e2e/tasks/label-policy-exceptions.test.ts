// label-policy-exceptions against the real local cluster: labels added, stale ones removed, and
// labels that are not ours left alone.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  cluster,
  createNamespace,
  deleteNamespaces,
  runNamed,
  teamsValues,
  uid,
} from '../../helpers/tasks-harness.js';

const id = uid();
const [a, b] = [`lp${id}a`, `lp${id}b`];
const namespaces = [`team-${a}`, `team-${b}`];
const { core } = cluster();
const prefix = 'policy.runlevel.dev/exempt-';

function values(exceptions: Record<string, string[]>) {
  const policies = Object.fromEntries(
    Object.entries(exceptions).map(([id, teams]) => [
      id,
      { enabled: true, exceptions: { teams, namespaces: [] } },
    ]),
  );
  return teamsValues([a, b], { platform: { policies } });
}

async function exemptions(namespace: string): Promise<string[]> {
  const labels = (await core.readNamespace({ name: namespace })).metadata?.labels ?? {};
  return Object.keys(labels)
    .filter((k) => k.startsWith(prefix) && labels[k] === 'true')
    .sort();
}

test.before(async () => {
  for (const ns of namespaces) await createNamespace(core, ns, { 'owner.example.com/team': 'x' });
});

test.after(async () => {
  await deleteNamespaces(core, namespaces);
});

test('labels each team namespace for the exceptions its values grant; a re-run changes nothing', async () => {
  const v = values({ privileged: [a], 'image-tag': [a, b], resources: [] });
  const r = await runNamed('label-policy-exceptions', v);
  assert.equal(r.changed, [
    `labelled team-${a} ${prefix}image-tag=true`,
    `labelled team-${a} ${prefix}privileged=true`,
    `labelled team-${b} ${prefix}image-tag=true`,
  ]);
  assert.equal(await exemptions(`team-${a}`), [`${prefix}image-tag`, `${prefix}privileged`]);
  assert.equal(await exemptions(`team-${b}`), [`${prefix}image-tag`]);
  assert.equal((await runNamed('label-policy-exceptions', v)).changed, []);
});

test('an exception taken away removes its label; other labels stay', async () => {
  const v = values({ privileged: [], 'image-tag': [b], 'run-as-non-root': [a] });
  const r = await runNamed('label-policy-exceptions', v);
  assert.equal(r.changed, [
    `removed label ${prefix}image-tag from team-${a}`,
    `removed label ${prefix}privileged from team-${a}`,
    `labelled team-${a} ${prefix}run-as-non-root=true`,
  ]);
  assert.equal(await exemptions(`team-${a}`), [`${prefix}run-as-non-root`]);
  assert.equal(await exemptions(`team-${b}`), [`${prefix}image-tag`]);
  const labels = (await core.readNamespace({ name: `team-${a}` })).metadata?.labels ?? {};
  assert.is(labels['owner.example.com/team'], 'x');
  assert.equal((await runNamed('label-policy-exceptions', v)).changed, []);
});

test.run();
