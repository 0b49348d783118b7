// A ClusterStatus shaped like the reference platform's (bench/render): platform releases, then N
// teams each with the web, api and worker apps. For render tests and the serve benchmark.

import { ReleaseState } from '../../core/deploy/plan.js';
import type { DeployRecord } from '../../core/deploy/record.js';
import type { ReleaseDrift } from '../../core/drift/types.js';
import { assembleStatus } from '../../core/serve/assemble.js';
import type { ClusterStatus } from '../../core/serve/types.js';

const platform = [
  ['00-system', 'namespaces', 'runlevel-system'],
  ['10-crds', 'cert-manager', 'cert-manager'],
  ['10-crds', 'gatekeeper', 'gatekeeper-system'],
  ['20-network', 'ingress-nginx', 'ingress-nginx'],
  ['30-identity', 'keycloak', 'sso'],
  ['30-identity', 'auth-proxy', 'sso'],
  ['40-observability', 'metrics', 'monitoring'],
] as const;

export interface SampleOptions {
  teams: number;
  /** release name → state other than in sync */
  states?: Record<string, (typeof ReleaseState)[keyof typeof ReleaseState]>;
  drift?: Record<string, ReleaseDrift>;
  deploys?: DeployRecord[];
  error?: string;
}

export function sampleStatus(o: SampleOptions): ClusterStatus {
  const rows: { runlevel: string; name: string; namespace: string; chart: string }[] = platform.map(
    ([runlevel, name, namespace]) => ({ runlevel, name, namespace, chart: name }),
  );
  for (let t = 0; t < o.teams; t++) {
    for (const app of ['web', 'api', 'worker']) {
      rows.push({ runlevel: '50-apps', name: `team${t}-${app}`, namespace: `team${t}`, chart: 'app' });
    }
  }
  const runlevelNames = [...new Set(rows.map((r) => r.runlevel))];
  const planned = (r: (typeof rows)[number]) => ({
    release: {
      runlevel: r.runlevel,
      name: r.name,
      namespace: r.namespace,
      chart: { name: r.chart, version: '0.1.0', path: `charts/${r.chart}` },
      labels: {},
      inputDigest: 'x',
      objects: [],
    },
    digest: 'd',
    action: 'unchanged' as const,
    state: o.states?.[r.name] ?? ReleaseState.InSync,
    reason: o.states?.[r.name] ? 'changed since the last deploy' : 'deployed from these inputs',
    previousRevision: 1,
    ...(o.drift?.[r.name] ? { drift: o.drift[r.name] } : {}),
  });
  const status = assembleStatus({
    cluster: 'dev',
    now: '2026-12-07T17:00:00.000Z',
    serving: '0.1.0',
    pinned: '0.1.0',
    newest: {
      commit: 'a1b2c3d4e5f6',
      subject: 'teams: add team7',
      author: 'Ada',
      date: '2026-12-07T16:58:00Z',
    },
    plan: {
      runlevels: runlevelNames.map((name) => ({
        name,
        timeoutMs: 300_000,
        before: [],
        after: [],
        waves: [rows.filter((r) => r.runlevel === name).map(planned)],
      })),
      prune: [],
    },
    record: {
      releases: {},
      deploys: o.deploys ?? [
        {
          id: 'd1',
          command: 'deploy',
          cluster: 'dev',
          coreVersion: '0.1.0',
          valuesCommit: 'a1b2c3d4e5f6',
          started: '2026-12-07T16:59:00.000Z',
          ended: '2026-12-07T16:59:42.500Z',
          outcome: 'succeeded',
          releases: [],
        },
      ],
    },
    helm: rows
      .filter((r) => o.states?.[r.name] !== ReleaseState.Missing)
      .map((r) => ({
        name: r.name,
        namespace: r.namespace,
        revision: 2,
        status: o.states?.[r.name] === ReleaseState.Failed ? 'failed' : 'deployed',
        chart: `${r.chart}-0.1.0`,
      })),
    notReady: new Map(),
    images: [
      ...['docker.io/library/nginx:1.27.3', 'ghcr.io/example/api:2.4.0', 'ghcr.io/example/worker:2.4.0'].map(
        (source, i) => ({
          source,
          target: source.replace(/^[^/]+/, 'mirror.corp.example'),
          digest: `sha256:${String(i).repeat(64)}`,
          uses: rows
            .filter((r) => r.name.endsWith(['-web', '-api', '-worker'][i] as string))
            .map((r) => ({
              runlevel: r.runlevel,
              release: r.name,
              namespace: r.namespace,
              object: 'Deployment/x',
              field: 'image',
            })),
        }),
      ),
      { source: 'runlevel:0.1.0', target: 'runlevel:0.1.0', core: true, uses: [] },
    ],
  });
  return o.error ? { ...status, error: o.error } : status;
}
