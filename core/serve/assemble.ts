// From what status reads (the plan against the cluster, the deploy record, helm's list, readiness,
// the images) to the one ClusterStatus the page and the JSON share. Pure: the CLI and the sync
// agent read the facts their own way and hand them here.
import type { DeployPlan } from '../deploy/plan.js';
import { ReleaseState } from '../deploy/plan.js';
import type { ClusterRecord, DeployRecord } from '../deploy/record.js';
import { objectLabel } from '../drift/describe.js';
import type { ReleaseDrift } from '../drift/types.js';
import type { PlatformImage } from '../images/types.js';
import type { HelmRelease } from '../shared/helm.js';
import {
  type ClusterStatus,
  type DeployStatus,
  type DriftedObject,
  emptyCounts,
  type ImageStatus,
  type ReleaseStatus,
  type State,
} from './types.js';

const stateOf: Record<ReleaseState, State> = {
  [ReleaseState.InSync]: 'in-sync',
  [ReleaseState.OutOfSync]: 'out-of-sync',
  [ReleaseState.Drifted]: 'drifted',
  [ReleaseState.Missing]: 'not-deployed',
  [ReleaseState.Failed]: 'failed',
};

export interface StatusFacts {
  cluster: string;
  now: string;
  serving: string;
  pinned?: string;
  newest?: ClusterStatus['commit']['newest'];
  agent?: ClusterStatus['agent'];
  plan: Pick<DeployPlan, 'runlevels' | 'prune'>;
  record: ClusterRecord;
  helm: readonly HelmRelease[];
  /** Per namespace/name: the gated objects that are not ready ("Kind/name: state"). */
  notReady: ReadonlyMap<string, string[]>;
  images: readonly PlatformImage[];
  /** How many past deploys to keep (default all the record holds). */
  deploys?: number;
}

export function assembleStatus(f: StatusFacts): ClusterStatus {
  const helmByKey = new Map(f.helm.map((h) => [`${h.namespace}/${h.name}`, h]));
  const counts = emptyCounts();
  const runlevels = f.plan.runlevels.map((rl) => ({
    name: rl.name,
    releases: rl.waves.flat().map((p): ReleaseStatus => {
      const key = `${p.release.namespace}/${p.release.name}`;
      const h = helmByKey.get(key);
      const notReady = h ? (f.notReady.get(key) ?? []) : [];
      const state = stateOf[p.state];
      counts[state]++;
      counts.total++;
      return {
        runlevel: rl.name,
        release: p.release.name,
        namespace: p.release.namespace,
        chart: `${p.release.chart.name}-${p.release.chart.version}`,
        ...(h ? { revision: h.revision } : {}),
        helmStatus: h?.status ?? 'absent',
        state,
        reason: p.reason,
        ready: h !== undefined && notReady.length === 0,
        notReady,
        ...(p.drift ? { drift: driftedObjects(p.drift) } : {}),
      };
    }),
  }));
  const orphans = f.plan.prune.map((p) => ({
    runlevel: p.runlevel,
    release: p.name,
    namespace: p.namespace,
  }));
  const deploys = f.record.deploys.slice(0, f.deploys ?? f.record.deploys.length).map(deployStatus);
  const lastGood = f.record.deploys.find((d) => d.command === 'deploy' && d.outcome === 'succeeded');
  const last = f.record.deploys.find((d) => d.command === 'deploy');
  return {
    kind: 'cluster',
    cluster: f.cluster,
    refreshed: f.now,
    core: {
      ...(f.pinned ? { pinned: f.pinned } : {}),
      ...(last ? { deployed: last.coreVersion } : {}),
      serving: f.serving,
    },
    commit: {
      ...(lastGood ? { deployed: lastGood.valuesCommit } : {}),
      ...(f.newest ? { newest: f.newest } : {}),
    },
    ...(f.agent ? { agent: f.agent } : {}),
    inSync: counts.total === counts['in-sync'] && orphans.length === 0,
    counts,
    runlevels,
    orphans,
    deploys,
    images: f.images.map(imageStatus),
  };
}

function driftedObjects(d: ReleaseDrift): DriftedObject[] {
  return d.objects.map((o) => ({
    object: objectLabel(o),
    missing: o.missing,
    fields: o.changes.map((c) => ({
      path: c.path,
      ...(c.live !== undefined ? { live: c.live } : {}),
      ...(c.want !== undefined ? { want: c.want } : {}),
    })),
  }));
}

export function deployStatus(d: DeployRecord): DeployStatus {
  const seconds =
    d.ended && d.started ? Math.max(0, (Date.parse(d.ended) - Date.parse(d.started)) / 1000) : undefined;
  return {
    id: d.id,
    command: d.command,
    started: d.started,
    ...(d.ended ? { ended: d.ended } : {}),
    ...(seconds !== undefined && Number.isFinite(seconds) ? { seconds: Math.round(seconds * 10) / 10 } : {}),
    outcome: d.outcome,
    coreVersion: d.coreVersion,
    valuesCommit: d.valuesCommit,
    ...(d.failure ? { failure: d.failure } : {}),
  };
}

function imageStatus(i: PlatformImage): ImageStatus {
  const releases = [...new Set(i.uses.map((u) => `${u.namespace ?? ''}/${u.release}`))].sort();
  return {
    source: i.source,
    target: i.target,
    ...(i.digest ? { digest: i.digest } : {}),
    core: i.core === true,
    releases,
  };
}
