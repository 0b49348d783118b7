// The in-cluster half without a cluster: charts/policies is rendered with helm, and each
// ConstraintTemplate's Rego (entry + libs, exactly as Gatekeeper would load them) is evaluated by
// opa with Gatekeeper's input shape ({review: {object}, parameters}). Also checks that the chart
// derives the same settings from values as the static check does.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAllDocuments } from 'yaml';
import { readCatalog } from '../../../core/check/catalog.js';
import { policySettings } from '../../../core/check/settings.js';
import { run } from '../../../core/shared/exec.js';
import { coreRoot } from '../../../core/shared/paths.js';
import { resolvedValues } from '../../helpers/resolved-values.js';

interface Doc {
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  spec: {
    targets: { code: { source: { version: string; rego: string; libs: string[] } }[] }[];
    enforcementAction?: string;
    match: { excludedNamespaces?: string[] };
    parameters?: unknown;
  };
}

async function helmTemplate(set: string[]): Promise<Doc[]> {
  const r = await run('helm', [
    'template',
    'p',
    join(coreRoot, 'charts/policies'),
    ...set.flatMap((s) => ['--set', s]),
  ]);
  return parseAllDocuments(String(r.stdout))
    .map((d) => d.toJS() as Doc)
    .filter(Boolean);
}

const badPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'team-a' },
  spec: {
    containers: [{ name: 'c', image: 'evil.example.org/x:latest', securityContext: { privileged: true } }],
  },
};
const goodPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'team-a' },
  spec: {
    securityContext: { runAsNonRoot: true },
    containers: [
      {
        name: 'c',
        image: 'docker.io/library/nginx:1.27.3',
        resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } },
      },
    ],
  },
};
const badIngress = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'i', namespace: 'team-a' },
  spec: { rules: [{ host: 'x.other.org' }] },
};

test('every in-cluster policy becomes a ConstraintTemplate whose Rego denies what check denies', async () => {
  const templates = (await helmTemplate([])).filter((d) => d.kind === 'ConstraintTemplate');
  const catalog = readCatalog();
  const inCluster = Object.keys(catalog).filter((id) => catalog[id]?.inCluster);
  assert.equal(
    templates.map((t) => t.metadata.annotations?.['runlevel.dev/policy']).sort(),
    inCluster.sort(),
  );

  for (const t of templates) {
    const id = t.metadata.annotations?.['runlevel.dev/policy'] as string;
    const source = t.spec.targets[0]?.code[0]?.source as { version: string; rego: string; libs: string[] };
    assert.is(source.version, 'v1');
    // Gatekeeper's rules: libs live under data.lib, and Rego refers to nothing but data.lib / data.inventory.
    for (const lib of source.libs) assert.match(lib, /^package lib\./m);
    for (const mod of [source.rego, ...source.libs]) {
      for (const ref of mod.match(/data\.[a-z_.]+/g) ?? [])
        assert.ok(/^data\.(lib|inventory)\./.test(ref), `${id}: ${ref}`);
    }
    const dir = await mkdtemp(join(tmpdir(), 'runlevel-gk-'));
    try {
      await writeFile(join(dir, 'entry.rego'), source.rego);
      for (const [i, lib] of source.libs.entries()) await writeFile(join(dir, `lib${i}.rego`), lib);
      const pkg = /^package (\S+)/m.exec(source.rego)?.[1] as string;
      const params = { mirror: '', allowed: ['docker.io'], domain: 'dev.example.com' };
      const evalFor = async (object: unknown) => {
        const r = await run(
          'opa',
          ['eval', '--data', dir, '--stdin-input', '--format', 'json', `count(data.${pkg}.violation)`],
          {
            input: JSON.stringify({ review: { object }, parameters: params }),
          },
        );
        return JSON.parse(String(r.stdout)).result[0].expressions[0].value as number;
      };
      const bad = id === 'ingress-host' ? badIngress : badPod;
      assert.ok((await evalFor(bad)) > 0, `${id}: the violating object is denied`);
      assert.is(await evalFor(goodPod), 0, `${id}: the compliant object is admitted`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
});

test('constraints carry the same enforcement, exceptions and parameters as the static check', async () => {
  const values = {
    cluster: { domain: 'dev.example.com' },
    platform: {
      registry: { mirror: 'mirror.example.com', allowed: ['quay.io'] },
      policies: {
        privileged: {
          enforcement: 'warn' as const,
          exceptions: { namespaces: ['kube-system'], teams: ['a'] },
        },
        resources: { enabled: false },
      },
    },
  };
  const constraints = (
    await helmTemplate([
      'part=constraints',
      'global.cluster.domain=dev.example.com',
      'global.registry.mirror=mirror.example.com',
      'allowedRegistries={quay.io}',
      'policies.privileged.enforcement=warn',
      'policies.privileged.exceptions.namespaces={kube-system}',
      'policies.privileged.exceptions.teams={a}',
      'policies.resources.enabled=false',
    ])
  ).filter((d) => d.kind.startsWith('Runlevel'));
  const settings = policySettings(resolvedValues(values));
  const catalog = readCatalog();
  const expected = Object.keys(settings).filter((id) => settings[id]?.enabled && catalog[id]?.inCluster);
  assert.equal(
    constraints.map((c) => c.metadata.annotations?.['runlevel.dev/policy']).sort(),
    expected.sort(),
  );
  for (const c of constraints) {
    const s = settings[c.metadata.annotations?.['runlevel.dev/policy'] as string];
    assert.is(c.spec.enforcementAction, s?.enforcement);
    assert.equal(c.spec.match.excludedNamespaces ?? [], s?.excludedNamespaces);
    assert.equal(c.spec.parameters, s?.parameters);
  }
});

test.run();
