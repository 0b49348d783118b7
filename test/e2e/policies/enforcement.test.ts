// One policy source, two enforcement points, against the real shared cluster: the values repo
// renders and passes `runlevel check`; helmfile syncs runlevels 00, 10 and 60; Gatekeeper (a real
// process beside the control plane, see core/cluster/gatekeeper.ts) turns the ConstraintTemplates
// into constraint kinds and enforces the Constraints; the API server then refuses objects that
// break a policy, with Gatekeeper's message, and admits compliant ones and the values' exceptions.
import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  type V1Container,
  type V1Deployment,
} from '@kubernetes/client-node';
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findTool, toolEnv } from '../../../core/shared/tools.js';
import { runCli } from '../../helpers/cli.js';
import { fixture, removeFixture } from '../../helpers/fixture.js';
import {
  cluster,
  eventually,
  gatekeeperReads,
  inClusterPolicies,
  refusal,
  syncRunlevel,
  valuesRepo,
} from '../../helpers/policies-platform.js';

const kubeconfig = process.env.KUBECONFIG ?? '';
const kc = new KubeConfig();
let valuesDir = '';
const policies = inClusterPolicies();

const enforced = 'team-enforce';
const exempt = 'team-exempt';
const pinned = 'docker.io/library/nginx:1.27.3';

/** A container that passes every policy and Pod Security "restricted", changed by `change`. */
function container(change: Partial<V1Container> = {}): V1Container {
  return {
    name: 'app',
    image: pinned,
    resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
    securityContext: {
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    ...change,
  };
}

/** Privileged, otherwise compliant. A Deployment: Pod Security only warns about those, so the
 * refusal can only come from Gatekeeper (a privileged Pod would be refused by Pod Security first). */
function privilegedDeployment(name: string): V1Deployment {
  const labels = { app: name };
  return {
    metadata: { name, labels },
    spec: {
      replicas: 0,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [container({ securityContext: { runAsNonRoot: true, privileged: true } })] },
      },
    },
  };
}

const pod = (name: string, c: V1Container) => ({ metadata: { name }, spec: { containers: [c] } });
const core = () => kc.makeApiClient(CoreV1Api);
const apps = () => kc.makeApiClient(AppsV1Api);

test.before(async () => {
  assert.ok(kubeconfig, 'the e2e tier sets KUBECONFIG to the shared local cluster');
  kc.loadFromFile(kubeconfig);
  valuesDir = await valuesRepo();
});

test.after(async () => {
  // Leave the shared cluster without our Constraints and teams, for the test files after this one.
  const helm = findTool('helm') ?? 'helm';
  for (const release of ['policy-constraints', 'team-enforce', 'team-exempt']) {
    await execa(helm, ['uninstall', release, '-n', 'runlevel-system', '--kubeconfig', kubeconfig], {
      env: toolEnv(),
      reject: false,
    });
  }
  await removeFixture(valuesDir);
});

test('the values repo renders, and the rendered platform passes `runlevel check`', async () => {
  const out = await fixture({}, 'runlevel-policies-render-');
  try {
    const rendered = await runCli(['template', '--cluster', cluster, '--values', valuesDir, '--out', out]);
    assert.is(rendered.code, 0, rendered.stderr);
    const check = await runCli(['check', '--cluster', cluster, '--values', valuesDir, '--dir', out]);
    assert.is(check.code, 0, check.stderr);
    assert.match(check.stderr, '0 errors');
  } finally {
    await removeFixture(out);
  }
});

test('runlevel 00 installs the ConstraintTemplate CRD, the one Gatekeeper waits for', async () => {
  const sync = await syncRunlevel(valuesDir, kubeconfig, '00-init.yaml.gotmpl');
  assert.is(sync.exitCode, 0, sync.output);
  const gk = gatekeeperReads(kc);
  await eventually(
    'the ConstraintTemplate CRD to be Established',
    async () => (await gk.established('constrainttemplates.templates.gatekeeper.sh')) || undefined,
  );
});

test('runlevel 10: Gatekeeper accepts every ConstraintTemplate and creates its constraint kind', async () => {
  const sync = await syncRunlevel(valuesDir, kubeconfig, '10-policies.yaml.gotmpl', 'name=policy-templates');
  assert.is(sync.exitCode, 0, sync.output);
  const gk = gatekeeperReads(kc);
  const templates = await eventually('status.created on every ConstraintTemplate', async () => {
    const items = await gk.templates();
    const ours = policies.map(({ kind }) => items.find((t) => t.spec?.crd?.spec?.names?.kind === kind));
    return ours.every((t) => t?.status?.created === true) ? ours : undefined;
  });
  for (const t of templates) {
    assert.equal(t?.status?.byPod?.[0]?.errors ?? [], [], `${t?.metadata?.name}: no compile errors`);
    assert.is(t?.status?.byPod?.[0]?.id, 'gatekeeper-local', 'reported by the local Gatekeeper process');
  }
  for (const { kind } of policies) {
    await eventually(
      `CRD ${kind} Established`,
      async () => (await gk.established(`${kind.toLowerCase()}.constraints.gatekeeper.sh`)) || undefined,
    );
  }
});

test('runlevel 10 in full installs the Constraints, with the exceptions, and Gatekeeper enforces each', async () => {
  const sync = await syncRunlevel(valuesDir, kubeconfig, '10-policies.yaml.gotmpl');
  assert.is(sync.exitCode, 0, sync.output);
  const gk = gatekeeperReads(kc);
  for (const { id, kind } of policies) {
    const constraint = await eventually(`Constraint runlevel-${id} enforced`, async () => {
      const c = await gk.constraint(kind, `runlevel-${id}`);
      return c?.status?.byPod?.some((p: { enforced?: boolean }) => p.enforced) ? c : undefined;
    });
    assert.is(constraint.spec.enforcementAction, 'deny', id);
    const excluded = constraint.spec.match.excludedNamespaces ?? [];
    assert.equal(excluded, ['privileged', 'image-tag'].includes(id) ? [exempt] : [], `${id} exceptions`);
  }
});

test('runlevel 60 makes the team namespaces', async () => {
  const sync = await syncRunlevel(valuesDir, kubeconfig, '60-teams.yaml.gotmpl');
  assert.is(sync.exitCode, 0, sync.output);
  for (const namespace of [enforced, exempt]) {
    // Pods need the namespace's default ServiceAccount, which the controller-manager adds.
    await eventually(`ServiceAccount default in ${namespace}`, () =>
      core()
        .readNamespacedServiceAccount({ name: 'default', namespace })
        .catch(() => undefined),
    );
  }
});

test('the API server refuses a privileged Deployment and a :latest Pod with Gatekeeper’s message', async () => {
  const privileged = await refusal(() =>
    apps().createNamespacedDeployment({ namespace: enforced, body: privilegedDeployment('root-shell') }),
  );
  assert.is(privileged.code, 403, privileged.message);
  assert.match(privileged.message, 'admission webhook "validation.gatekeeper.sh" denied the request');
  assert.match(privileged.message, '[runlevel-privileged] container "app" runs privileged');

  const latest = await refusal(() =>
    core().createNamespacedPod({
      namespace: enforced,
      body: pod('moving', container({ image: 'docker.io/library/nginx:latest' })),
    }),
  );
  assert.is(latest.code, 403, latest.message);
  assert.match(
    latest.message,
    '[runlevel-image-tag] container "app" image "docker.io/library/nginx:latest" uses the moving tag latest',
  );
  assert.not.match(latest.message, 'runlevel-privileged', 'only the policies it breaks');
});

test('a compliant Pod is admitted in the same namespace', async () => {
  const created = await core().createNamespacedPod({
    namespace: enforced,
    body: pod('compliant', container()),
  });
  assert.is(created.metadata?.namespace, enforced);
  const read = await core().readNamespacedPod({ name: 'compliant', namespace: enforced });
  assert.is(read.spec?.containers[0]?.image, pinned);
});

test('the exempt team’s namespace admits what its exceptions allow, and still refuses the rest', async () => {
  const privileged = await apps().createNamespacedDeployment({
    namespace: exempt,
    body: privilegedDeployment('root-shell'),
  });
  assert.is(privileged.metadata?.name, 'root-shell', 'privileged: excepted by team');
  const latest = await core().createNamespacedPod({
    namespace: exempt,
    body: pod('moving', container({ image: 'docker.io/library/nginx:latest' })),
  });
  assert.is(latest.metadata?.name, 'moving', 'image-tag: excepted by namespace');

  // Not excepted there: allowed-registries. (Not resources: the team's LimitRange fills those in.)
  const foreign = await refusal(() =>
    core().createNamespacedPod({
      namespace: exempt,
      body: pod('foreign', container({ image: 'evil.example.com/nginx:1.27.3' })),
    }),
  );
  assert.is(foreign.code, 403, foreign.message);
  assert.match(
    foreign.message,
    '[runlevel-allowed-registries] container "app" image "evil.example.com/nginx:1.27.3" comes from evil.example.com',
  );
});

test('an object exception admits that Deployment and the Pods its ReplicaSet makes, and nothing else', async () => {
  const labels = { app: 'tracking-web' };
  const tracking = (name: string): V1Deployment => ({
    metadata: { name, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [container({ image: 'docker.io/library/nginx:latest' })] },
      },
    },
  });
  const created = await apps().createNamespacedDeployment({
    namespace: enforced,
    body: tracking('tracking-web'),
  });
  assert.is(created.metadata?.name, 'tracking-web', 'image-tag: excepted by kind and name');
  // The ReplicaSet's Pods carry neither name nor release: Gatekeeper knows them by their owner.
  await eventually('a Pod of tracking-web', async () => {
    const pods = await core().listNamespacedPod({ namespace: enforced, labelSelector: 'app=tracking-web' });
    return pods.items.length > 0 ? pods.items : undefined;
  });
  const other = await refusal(() =>
    apps().createNamespacedDeployment({ namespace: enforced, body: tracking('tracking-api') }),
  );
  assert.is(other.code, 403, other.message);
  assert.match(other.message, '[runlevel-image-tag]');
});

test('a Deployment on the host network is refused as privileged', async () => {
  const body = privilegedDeployment('host-net');
  const spec = body.spec?.template.spec;
  if (spec) {
    spec.hostNetwork = true;
    spec.containers = [container()];
  }
  const refused = await refusal(() => apps().createNamespacedDeployment({ namespace: enforced, body }));
  assert.is(refused.code, 403, refused.message);
  assert.match(
    refused.message,
    "[runlevel-privileged] pod shares the host's network namespace (hostNetwork)",
  );
});

test.run();
