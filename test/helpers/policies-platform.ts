// For the in-cluster policy e2e: a values repo with two teams (one exempt from two policies), a
// real `helmfile sync` of one runlevel with the merged values, and reads of Gatekeeper's objects.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiException, ApiextensionsV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { execa } from 'execa';
import { parse } from 'yaml';
import { stateValues, stateValuesArgs } from '../../core/render/state-values.js';
import { coreRoot } from '../../core/shared/paths.js';
import { findTool, toolEnv } from '../../core/shared/tools.js';
import { resolveValues } from '../../core/values/index.js';
import { fixture } from './fixture.js';

export const cluster = 'dev';

/**
 * Team `enforce` gets every policy but one object exception (image-tag for Deployment
 * tracking-web); team `exempt` is excepted from two (once by team, once by namespace).
 */
export function valuesRepo(): Promise<string> {
  return fixture(
    {
      'runlevel.yaml': `core: "0.1.0"\nclusters:\n  ${cluster}:\n    environment: dev\ncontract: 2\n`,
      // The app is rendered and checked, not synced: this test stops at runlevel 60.
      'common/teams/enforce.yaml': 'members: [ { name: alice@example.com, role: admin } ]\napps: [web]\n',
      'common/apps/web.yaml': 'image: { repository: docker.io/library/nginx, tag: "1.27.3" }\n',
      'common/teams/exempt.yaml': 'members: [ { name: bob@example.com, role: admin } ]\napps: []\n',
      [`clusters/${cluster}/settings.yaml`]: [
        'cluster:',
        '  domain: dev.example.com',
        'platform:',
        '  sso: { enabled: false }',
        '  policies:',
        '    privileged: { exceptions: { teams: [exempt] } }',
        '    image-tag:',
        '      exceptions:',
        '        namespaces: [team-exempt]',
        '        objects: [ { kind: Deployment, name: tracking-web, namespace: team-enforce, reason: "follows upstream latest on purpose" } ]',
        '',
      ].join('\n'),
    },
    'runlevel-policies-e2e-',
  );
}

/** `helmfile sync` of one runlevel file with the merged values as its state values, as the engine hands them over. */
export async function syncRunlevel(
  valuesDir: string,
  kubeconfig: string,
  file: string,
  selector?: string,
): Promise<{ exitCode: number | undefined; output: string }> {
  const { values } = await resolveValues({ valuesDir, cluster });
  const helmfile = findTool('helmfile');
  if (!helmfile) throw new Error('helmfile is not built (make tools)');
  // The state values go in on stdin through a pipe, as the engine hands them over (state-values.ts).
  const state = stateValues(values);
  const r = await execa(
    'bash',
    [
      '-c',
      'exec "$0" "$@" < <(exec cat)',
      helmfile,
      '-f',
      join(coreRoot, 'helmfile.d', file),
      ...stateValuesArgs,
      ...(selector ? ['-l', selector] : []),
      'sync',
      '--skip-deps',
    ],
    { env: { ...toolEnv(), KUBECONFIG: kubeconfig }, input: state.json, reject: false, timeout: 240_000 },
  );
  return { exitCode: r.exitCode, output: `${r.stdout}\n${r.stderr}` };
}

/** The policies Gatekeeper upholds, from the one catalog, with their constraint kinds. */
export function inClusterPolicies(): { id: string; kind: string }[] {
  const doc = parse(readFileSync(join(coreRoot, 'policies/catalog.yaml'), 'utf8')) as {
    catalog: Record<string, { inCluster: boolean }>;
  };
  return Object.entries(doc.catalog)
    .filter(([, p]) => p.inCluster)
    .map(([id]) => ({
      id,
      kind: `Runlevel${id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase())}`,
    }));
}

// biome-ignore lint/suspicious/noExplicitAny: Gatekeeper's objects are read as plain JSON
type Obj = Record<string, any>;

export function gatekeeperReads(kc: KubeConfig) {
  const custom = kc.makeApiClient(CustomObjectsApi);
  const crds = kc.makeApiClient(ApiextensionsV1Api);
  return {
    async templates(): Promise<Obj[]> {
      const list = (await custom.listClusterCustomObject({
        group: 'templates.gatekeeper.sh',
        version: 'v1',
        plural: 'constrainttemplates',
      })) as Obj;
      return list.items;
    },
    async constraint(kind: string, name: string): Promise<Obj | undefined> {
      try {
        return (await custom.getClusterCustomObject({
          group: 'constraints.gatekeeper.sh',
          version: 'v1beta1',
          plural: kind.toLowerCase(),
          name,
        })) as Obj;
      } catch {
        return undefined;
      }
    },
    async established(name: string): Promise<boolean> {
      try {
        const crd = await crds.readCustomResourceDefinition({ name });
        return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ?? false;
      } catch {
        return false;
      }
    },
  };
}

/** Polls until `check` returns a value that is not undefined; fails with the last state seen. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 90_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined) return value;
    await sleep(500);
  }
  throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
}

/** Runs an API call that must be refused; returns the API server's message. */
export async function refusal(call: () => Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await call();
  } catch (err) {
    if (err instanceof ApiException) {
      const body = typeof err.body === 'string' ? JSON.parse(err.body) : err.body;
      return { code: err.code, message: String(body?.message ?? err.message) };
    }
    throw err;
  }
  return { code: 0, message: 'admitted' };
}
