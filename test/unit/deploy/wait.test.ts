import { ApiException } from '@kubernetes/client-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { gatedKinds, readiness, waitReady } from '../../../core/deploy/wait.js';

const deployment = (spec: number, status: Record<string, unknown>, generation = 2) => ({
  kind: 'Deployment',
  metadata: { name: 'web', generation },
  spec: { replicas: spec },
  status: { observedGeneration: 2, ...status },
});

test('a Deployment is ready when the new generation is observed and every replica is updated and available', () => {
  assert.equal(readiness(deployment(2, { replicas: 2, updatedReplicas: 2, availableReplicas: 2 })), {
    ready: true,
  });
  assert.equal(readiness(deployment(2, { replicas: 2, updatedReplicas: 2, availableReplicas: 2 }, 3)), {
    ready: false,
    failed: false,
    state: 'rollout not observed yet',
  });
  assert.equal(readiness(deployment(3, { replicas: 4, updatedReplicas: 3, availableReplicas: 3 })), {
    ready: false,
    failed: false,
    state: '1 old replicas left',
  });
});

test('a Deployment past its progress deadline has failed for good', () => {
  const d = deployment(1, {
    conditions: [
      { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'slow' },
    ],
  });
  assert.equal(readiness(d), { ready: false, failed: true, state: 'progress deadline exceeded: slow' });
});

test('Jobs complete or fail; CRDs must be Established', () => {
  assert.equal(readiness({ kind: 'Job', status: { conditions: [{ type: 'Complete', status: 'True' }] } }), {
    ready: true,
  });
  assert.is(
    (
      readiness({
        kind: 'Job',
        status: { conditions: [{ type: 'Failed', status: 'True', message: 'backoff' }] },
      }) as { failed: boolean }
    ).failed,
    true,
  );
  assert.equal(
    readiness({
      kind: 'CustomResourceDefinition',
      status: { conditions: [{ type: 'Established', status: 'False' }] },
    }),
    { ready: false, failed: false, state: 'not Established' },
  );
});

test('a ConstraintTemplate is ready once Gatekeeper reports its constraint CRD created', () => {
  assert.ok(gatedKinds.has('ConstraintTemplate'), 'the gate waits for ConstraintTemplates');
  assert.equal(readiness({ kind: 'ConstraintTemplate', status: { created: true } }), { ready: true });
  assert.is(readiness({ kind: 'ConstraintTemplate', status: {} }).ready, false);
});

test('StatefulSets and DaemonSets count ready and updated replicas', () => {
  assert.equal(
    readiness({
      kind: 'StatefulSet',
      metadata: { generation: 1 },
      spec: { replicas: 2 },
      status: { observedGeneration: 1, readyReplicas: 1 },
    }),
    { ready: false, failed: false, state: '1/2 ready' },
  );
  assert.equal(
    readiness({
      kind: 'DaemonSet',
      metadata: { generation: 1 },
      status: {
        observedGeneration: 1,
        desiredNumberScheduled: 1,
        updatedNumberScheduled: 1,
        numberAvailable: 1,
      },
    }),
    { ready: true },
  );
});

test.run();

test('the gate holds a created ConstraintTemplate until the CRD Gatekeeper made for it is Established', async () => {
  const template = {
    apiVersion: 'templates.gatekeeper.sh/v1',
    kind: 'ConstraintTemplate',
    metadata: { name: 'runlevelallowedregistries' },
    spec: { crd: { spec: { names: { kind: 'RunlevelAllowedRegistries' } } } },
    status: { created: true },
  };
  let crdReads = 0;
  const api = {
    read: async (o: { kind?: string; metadata?: { name?: string } }) => {
      if (o.kind === 'ConstraintTemplate') return template;
      assert.is(o.metadata?.name, 'runlevelallowedregistries.constraints.gatekeeper.sh');
      crdReads++;
      // Not there on the first look, not Established on the second, Established on the third.
      if (crdReads === 1) throw new ApiException(404, 'not found', '', {});
      const established = crdReads >= 3 ? 'True' : 'False';
      return {
        kind: 'CustomResourceDefinition',
        status: { conditions: [{ type: 'Established', status: established }] },
      };
    },
  };
  const target = {
    release: 'gatekeeper-system/policies',
    apiVersion: 'templates.gatekeeper.sh/v1',
    kind: 'ConstraintTemplate',
    name: 'runlevelallowedregistries',
  };
  const r = await waitReady(api as never, [target], { timeoutMs: 10_000, intervalMs: 1 });
  assert.equal(r, { ok: true, notReady: [] });
  assert.is(crdReads, 3);
});
