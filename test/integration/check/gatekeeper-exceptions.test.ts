// The in-cluster half of exceptions without a cluster: charts/policies rendered with helm from the
// same values as the static check carries the same `exceptions` parameter, and the rendered
// ConstraintTemplate's Rego (entry and libs, as Gatekeeper loads them) admits what an exception
// covers, the Pods a Deployment's ReplicaSet makes included, and still denies everything else.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAllDocuments, stringify } from 'yaml';
import { policySettings } from '../../../core/check/settings.js';
import { resolvedValues, type ValuesSettings } from '../../helpers/resolved-values.js';

/** The policy settings of values that set only what a test is about (the rest at its defaults). */
const settingsOf = (v: ValuesSettings) => policySettings(resolvedValues(v));

import { run } from '../../../core/shared/exec.js';
import { coreRoot } from '../../../core/shared/paths.js';

interface Doc {
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  spec: {
    parameters?: Record<string, unknown>;
    crd?: { spec: { validation: { openAPIV3Schema: { properties: Record<string, unknown> } } } };
    targets?: { code: { source: { rego: string; libs: string[] } }[] }[];
  };
}

const policies = {
  privileged: {
    exceptions: {
      namespaces: ['kube-system'],
      releases: [{ name: 'node-agent', namespace: 'monitoring', reason: 'vendored node exporter' }],
      objects: [
        { kind: 'Deployment', name: 'web', namespace: 'team-a', container: 'net-setup', reason: 'iptables' },
        { kind: 'DaemonSet', name: 'cni', reason: 'the network plugin' },
      ],
    },
  },
};

async function renderPolicies(part: 'templates' | 'constraints'): Promise<Doc[]> {
  const dir = await mkdtemp(join(tmpdir(), 'runlevel-gk-values-'));
  try {
    await writeFile(join(dir, 'values.yaml'), stringify({ part, policies }));
    const r = await run('helm', [
      'template',
      'p',
      join(coreRoot, 'charts/policies'),
      '-f',
      join(dir, 'values.yaml'),
    ]);
    return parseAllDocuments(String(r.stdout))
      .map((d) => d.toJS() as Doc)
      .filter(Boolean);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('the Constraint’s exceptions are what check uses, and its kind’s schema keeps them', async () => {
  const settings = settingsOf({ platform: { policies } });
  const constraints = await renderPolicies('constraints');
  const privileged = constraints.find((d) => d.metadata.name === 'runlevel-privileged');
  assert.ok(privileged, 'a privileged Constraint');
  assert.equal(privileged?.spec.parameters, settings.privileged?.parameters);
  assert.is(((privileged?.spec.parameters?.exceptions ?? []) as unknown[]).length, 3);
  const others = constraints.filter((d) => d.kind.startsWith('Runlevel') && d !== privileged);
  for (const c of others) assert.is(c.spec.parameters?.exceptions, undefined, c.metadata.name);

  // Gatekeeper prunes parameters its generated CRD does not declare: every kind declares them.
  for (const t of (await renderPolicies('templates')).filter((d) => d.kind === 'ConstraintTemplate')) {
    const props = t.spec.crd?.spec.validation.openAPIV3Schema.properties ?? {};
    assert.ok('exceptions' in props, `${t.metadata.name} declares the exceptions parameter`);
  }
});

const container = (name: string, privileged: boolean) => ({
  name,
  image: 'docker.io/library/nginx:1.27.3',
  securityContext: { privileged },
});

const deployment = (name: string, containers: unknown[], annotations: Record<string, string> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'team-a', annotations },
  spec: { template: { spec: { initContainers: containers.slice(0, 1), containers: containers.slice(1) } } },
});

const podOf = (deploymentName: string, hash: string, containers: unknown[], namespace = 'team-a') => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: `${deploymentName}-${hash}-abcde`,
    namespace,
    labels: { 'pod-template-hash': hash },
    ownerReferences: [{ kind: 'ReplicaSet', name: `${deploymentName}-${hash}`, controller: true }],
  },
  spec: { initContainers: containers.slice(0, 1), containers: containers.slice(1) },
});

test('Gatekeeper’s Rego admits what the exceptions cover, and only that', async () => {
  const template = (await renderPolicies('templates')).find(
    (d) => d.metadata.annotations?.['runlevel.dev/policy'] === 'privileged',
  );
  const source = template?.spec.targets?.[0]?.code[0]?.source as { rego: string; libs: string[] };
  const parameters = settingsOf({ platform: { policies } }).privileged?.parameters;
  const dir = await mkdtemp(join(tmpdir(), 'runlevel-gk-'));
  try {
    await writeFile(join(dir, 'entry.rego'), source.rego);
    for (const [i, lib] of source.libs.entries()) await writeFile(join(dir, `lib${i}.rego`), lib);
    const pkg = /^package (\S+)/m.exec(source.rego)?.[1] as string;
    const denied = async (object: unknown) => {
      const r = await run(
        'opa',
        [
          'eval',
          '--data',
          dir,
          '--stdin-input',
          '--format',
          'json',
          `[v.msg | some v in data.${pkg}.violation]`,
        ],
        { input: JSON.stringify({ review: { object }, parameters }) },
      );
      return (JSON.parse(String(r.stdout)).result[0].expressions[0].value as string[]).sort();
    };
    const both = [container('net-setup', true), container('web', true)];
    // The excepted container of web passes; its other container does not, in the Deployment and in its Pods.
    assert.equal(await denied(deployment('web', both)), ['container "web" runs privileged']);
    assert.equal(await denied(podOf('web', '5d8f9c7b6', both)), ['container "web" runs privileged']);
    // The same containers in another Deployment, or in team-b, are not excepted.
    assert.is((await denied(deployment('api', both))).length, 2);
    assert.is((await denied(podOf('web', '5d8f9c7b6', both, 'team-b'))).length, 2);
    // The release exception: objects helm installed for node-agent in monitoring.
    const agent = {
      ...deployment('agent', [container('a', true)], { 'meta.helm.sh/release-name': 'node-agent' }),
      metadata: {
        name: 'agent',
        namespace: 'monitoring',
        annotations: { 'meta.helm.sh/release-name': 'node-agent' },
      },
    };
    assert.equal(await denied(agent), []);
    assert.is((await denied({ ...agent, metadata: { ...agent.metadata, namespace: 'default' } })).length, 1);
    // Host namespaces are refused in the cluster too.
    const hostPod = {
      ...podOf('x', 'h', []),
      spec: { hostNetwork: true, containers: [container('c', false)] },
    };
    assert.equal(await denied(hostPod), ["pod shares the host's network namespace (hostNetwork)"]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
