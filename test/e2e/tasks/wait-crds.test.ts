// wait-crds against the real local cluster: named CRDs, the Helm-managed default, and a timeout
// that names what never became Established.
import { ApiextensionsV1Api, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ExitCode } from '../../../core/shared/exit-codes.js';
import { cluster, ignoreNotFound, rejection, runNamed, uid } from '../../helpers/tasks-harness.js';

const id = uid();
const group = `w${id}.e2e.runlevel.dev`;
const { kc } = cluster();
const api = kc.makeApiClient(ApiextensionsV1Api);

function crd(plural: string, labels: Record<string, string>): V1CustomResourceDefinition {
  const kind = plural[0]?.toUpperCase() + plural.slice(1, -1);
  return {
    metadata: { name: `${plural}.${group}`, labels },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural, singular: plural.slice(0, -1), kind },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', x_kubernetes_preserve_unknown_fields: true } },
        },
      ],
    },
  };
}

const helmCrd = crd('widgets', { 'app.kubernetes.io/managed-by': 'Helm' });
const plainCrd = crd('gadgets', {});

test.after(async () => {
  for (const c of [helmCrd, plainCrd])
    await ignoreNotFound(() => api.deleteCustomResourceDefinition({ name: c.metadata?.name ?? '' }));
});

test('waits for named CRDs created just before, and returns once they are Established', async () => {
  await api.createCustomResourceDefinition({ body: helmCrd });
  await api.createCustomResourceDefinition({ body: plainCrd });
  const names = [helmCrd, plainCrd].map((c) => c.metadata?.name ?? '');
  const r = await runNamed('wait-crds', {}, { args: names, timeoutMs: 20_000 });
  assert.equal(r.changed, []);
  for (const name of names) {
    const got = await api.readCustomResourceDefinition({ name });
    const established = got.status?.conditions?.find((c) => c.type === 'Established');
    assert.is(established?.status, 'True', name);
  }
});

test('without arguments it waits for every Helm-managed CRD', async () => {
  const started = Date.now();
  assert.equal((await runNamed('wait-crds', {}, { timeoutMs: 20_000 })).changed, []);
  assert.ok(Date.now() - started < 10_000);
});

test('a CRD that never appears: the timeout fails the task naming it (exit 5), without retries', async () => {
  const missing = `nothings.${group}`;
  const started = Date.now();
  const err = await rejection(runNamed('wait-crds', {}, { args: [missing], timeoutMs: 1_500 }));
  const took = Date.now() - started;
  assert.ok(took >= 1_500 && took < 5_000, `took ${took}ms`);
  assert.is(err.exitCode, ExitCode.deployFailed);
  assert.is(err.message, `task wait-crds failed: 1 CRD(s) not Established: ${missing}`);
});

test.run();
