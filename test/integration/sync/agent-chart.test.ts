// The agent's chart (charts/runlevel-agent, runlevel 95-agent), rendered by the real helmfile with
// the large fixture platform: every kind the platform creates is covered by the agent's
// ClusterRole with the verbs helm needs (so a chart that adds a kind fails here, not in a
// cluster), the only wildcard is Gatekeeper's constraint group, and the Deployment is what
// docs/gitops.md says: 1 replica, Recreate, probes, read-only, non-root, Secrets mounted.
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../../helpers/cli.js';
import { fixtures, largeFixtureKey } from '../../helpers/render-helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: rendered YAML of any shape
type Obj = Record<string, any>;

let objects: Obj[] = [];
let disabled: Obj[] = [];
let noSso: Obj[] = [];

async function render(agent: string | undefined): Promise<Obj[]> {
  const dir = await mkdtemp(join(tmpdir(), 'runlevel-agent-chart-'));
  try {
    await cp(join(fixtures, 'large'), dir, { recursive: true });
    if (agent) await writeFile(join(dir, 'clusters/prod-eu/agent.yaml'), agent);
    const r = await runCli([
      'template',
      '--values',
      dir,
      '--age-key-file',
      largeFixtureKey,
      '--cluster',
      'prod-eu',
    ]);
    assert.is(r.code, 0, r.stderr);
    // The agent passes the platform's own schemas and policies, as every release must.
    const c = await runCli([
      'check',
      '--values',
      dir,
      '--age-key-file',
      largeFixtureKey,
      '--cluster',
      'prod-eu',
    ]);
    assert.is(c.code, 0, c.stdout + c.stderr);
    return parseAllDocuments(r.stdout)
      .map((d) => d.toJS() as Obj)
      .filter((o) => o && typeof o.kind === 'string');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test.before(async () => {
  objects = await render(
    [
      'platform:',
      '  agent:',
      '    enabled: true',
      '    image: registry.example.com/runlevel:0.1.0',
      '    repo: https://git.example.com/platform/values.git',
      '    secrets: { gitCredentials: runlevel-agent-git, hookSecret: runlevel-agent-hook }',
      '',
    ].join('\n'),
  );
  disabled = await render(undefined);
  noSso = await render(
    [
      'platform:',
      '  sso: { enabled: false }',
      '  agent:',
      '    enabled: true',
      '    image: registry.example.com/runlevel:0.1.0',
      '    repo: https://git.example.com/platform/values.git',
      '',
    ].join('\n'),
  );
});

const plural = (kind: string) => {
  const k = kind.toLowerCase();
  return k.endsWith('s') ? `${k}es` : k.endsWith('y') ? `${k.slice(0, -1)}ies` : `${k}s`;
};
const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? (apiVersion.split('/')[0] ?? '') : '');

test('off by default: no agent objects without platform.agent.enabled', () => {
  assert.equal(
    disabled.filter((o) => o.metadata?.name === 'runlevel-agent'),
    [],
  );
});

test('the ClusterRole covers every kind the platform creates, with the verbs helm needs', () => {
  const role = objects.find((o) => o.kind === 'ClusterRole' && o.metadata?.name === 'runlevel-agent');
  assert.ok(role, 'the agent ClusterRole is rendered');
  const rules = role.rules as { apiGroups: string[]; resources: string[]; verbs: string[] }[];
  const allowed = (group: string, resource: string, verb: string) =>
    rules.some(
      (r) =>
        r.apiGroups.includes(group) &&
        (r.resources.includes(resource) || r.resources.includes('*')) &&
        r.verbs.includes(verb),
    );
  const missing = new Set<string>();
  for (const o of objects) {
    const group = groupOf(String(o.apiVersion));
    const resource = plural(String(o.kind));
    for (const verb of ['get', 'list', 'create', 'update', 'patch', 'delete']) {
      if (!allowed(group, resource, verb)) missing.add(`${group || 'core'}/${resource} ${verb}`);
    }
  }
  assert.equal([...missing], [], 'kinds the platform renders that the agent may not manage');
  for (const [group, resource, verb] of [
    ['coordination.k8s.io', 'leases', 'update'],
    ['', 'secrets', 'list'],
    ['', 'pods', 'list'],
    ['apps', 'deployments', 'update'],
    ['rbac.authorization.k8s.io', 'clusterroles', 'escalate'],
    ['rbac.authorization.k8s.io', 'roles', 'bind'],
  ] as const) {
    assert.ok(allowed(group, resource, verb), `${group}/${resource} ${verb}`);
  }
  const wildcards = rules.filter(
    (r) => r.resources.includes('*') || r.verbs.includes('*') || r.apiGroups.includes('*'),
  );
  assert.equal(
    wildcards.map((r) => r.apiGroups),
    [['constraints.gatekeeper.sh']],
    'the one wildcard: constraint kinds made at run time',
  );
});

test('the Deployment: 1 replica, Recreate, probes, read-only, non-root, Secrets mounted, nothing secret in env', () => {
  const d = objects.find((o) => o.kind === 'Deployment' && o.metadata?.name === 'runlevel-agent');
  assert.ok(d);
  assert.is(d.metadata.namespace, 'runlevel-system');
  assert.is(d.spec.replicas, 1);
  assert.is(d.spec.strategy.type, 'Recreate');
  const pod = d.spec.template.spec;
  assert.is(pod.serviceAccountName, 'runlevel-agent');
  const c = pod.containers[0];
  // The platform's registry mirror rewrites the agent's image like any other (air-gapped: the
  // core comes from the mirror, and so does the core a self-upgrade moves to).
  assert.is(c.image, 'mirror.example.com/registry.example.com/runlevel:0.1.0');
  assert.equal(c.args, ['sync']);
  assert.is(c.livenessProbe.httpGet.path, '/healthz');
  assert.is(c.readinessProbe.httpGet.path, '/readyz');
  assert.is(c.securityContext.readOnlyRootFilesystem, true);
  assert.is(pod.securityContext.runAsNonRoot, true);
  const env = Object.fromEntries((c.env as { name: string; value?: string }[]).map((e) => [e.name, e.value]));
  assert.is(env.RUNLEVEL_SYNC_REPO, 'https://git.example.com/platform/values.git');
  assert.is(env.RUNLEVEL_CLUSTER, 'prod-eu');
  assert.is(env.RUNLEVEL_SYNC_GIT_CREDENTIALS, '/secrets/git');
  assert.is(env.RUNLEVEL_SYNC_HOOK_SECRET_FILE, '/secrets/hook/secret');
  const secrets = (pod.volumes as { secret?: { secretName: string } }[]).flatMap((v) =>
    v.secret ? [v.secret.secretName] : [],
  );
  assert.equal(secrets.sort(), ['runlevel-agent-age', 'runlevel-agent-git', 'runlevel-agent-hook']);
  assert.ok(objects.find((o) => o.kind === 'Service' && o.metadata?.name === 'runlevel-agent'));
  assert.not.ok(
    objects.find((o) => o.kind === 'PodDisruptionBudget' && o.metadata?.name === 'runlevel-agent'),
  );
});

test('the status page: on the ClusterIP Service; with SSO on, an Ingress behind the auth proxy for its paths only', () => {
  const svc = objects.find((o) => o.kind === 'Service' && o.metadata?.name === 'runlevel-agent');
  assert.is(svc?.spec.type, 'ClusterIP');
  assert.equal(
    svc?.spec.ports.map((p: Obj) => [p.name, p.port]),
    [['http', 8080]],
  );
  const ing = objects.find((o) => o.kind === 'Ingress' && o.metadata?.name === 'runlevel-agent');
  assert.ok(ing, 'platform.sso is on in the fixture: the page has its Ingress');
  const domain = String(ing.spec.rules[0].host).replace(/^runlevel\./, '');
  assert.is(ing.spec.rules[0].host, `runlevel.${domain}`);
  const a = ing.metadata.annotations;
  assert.is(
    a['nginx.ingress.kubernetes.io/auth-url'],
    'http://oauth2-proxy.sso-system.svc.cluster.local/oauth2/auth',
  );
  assert.match(a['nginx.ingress.kubernetes.io/auth-signin'], `://auth.${domain}/oauth2/start?rd=`);
  // The auth proxy the annotations name is the one the platform renders.
  assert.ok(
    objects.find(
      (o) =>
        o.kind === 'Service' && o.metadata?.name === 'oauth2-proxy' && o.metadata?.namespace === 'sso-system',
    ),
  );
  assert.equal(
    ing.spec.rules[0].http.paths.map((p: Obj) => `${p.pathType} ${p.path}`),
    ['Exact /', 'Prefix /api/v1/', 'Prefix /static/'],
    'not /metrics, /status or /hook',
  );
  assert.not.ok(
    noSso.find((o) => o.kind === 'Ingress' && o.metadata?.name === 'runlevel-agent'),
    'SSO off: the Service only',
  );
  assert.ok(noSso.find((o) => o.kind === 'Service' && o.metadata?.name === 'runlevel-agent'));
});

test.run();
