// What is deployed, kept in the cluster itself (the tool is stateless): a ConfigMap in
// runlevel-system with the current release digests and the last deploys.
import type { CoreV1Api, V1ConfigMap } from '@kubernetes/client-node';
import { isConflict, isNotFound, type RetryOptions, withRetry } from '../shared/kube.js';
import type { LockTakeover } from './lock.js';
import { systemNamespace } from './system-namespace.js';

const configMapName = 'runlevel-state';
export const keepDeploys = 20;

export interface DeployedRelease {
  runlevel: string;
  name: string;
  namespace: string;
  chart: string; // name-version
  labels: Record<string, string>; // release labels, so a --selector deploy prunes only what it selects
  digest: string;
  revision: number;
  deployedAt: string;
}

export type ReleaseAction =
  | 'installed'
  | 'upgraded'
  | 'repaired'
  | 'unchanged'
  | 'pruned'
  | 'failed'
  | 'rolled-back'
  | 'skipped';

export interface DeployRecord {
  id: string;
  command: 'deploy' | 'destroy';
  cluster: string;
  coreVersion: string;
  valuesCommit: string;
  started: string;
  ended: string;
  /** displaced: another run took the lock (--break-lock) and this one stopped before its next write. */
  outcome: 'running' | 'succeeded' | 'failed' | 'interrupted' | 'displaced';
  /** The runlevel being applied (kept up to date while running, so a crash leaves where it was). */
  at?: string;
  /** The lock was taken from another holder (expired, its process gone, or --break-lock). */
  lock?: { tookOver: LockTakeover; from: string; waitedFor?: string[] };
  /** The sync agent handed the cluster over to another core (its own image moved to the pin). */
  handover?: { to: string; image: string };
  /**
   * Digest of every input of a full deploy (values, core, cluster API versions, flags; see
   * cli/deploy-inputs.ts): the next deploy with the same digest, on a cluster helm and the live
   * objects say is as this one left it, has nothing to render, check or apply (deploy/unchanged.ts).
   */
  inputs?: string;
  /** Where a failed deploy stopped and why. */
  failure?: { runlevel?: string; release?: string; step: string; message: string };
  releases: {
    runlevel: string;
    name: string;
    action: ReleaseAction;
    revision?: number;
    seconds: number;
    /** A repair: the live objects and fields it put back. */
    drift?: string[];
  }[];
}

export interface ClusterRecord {
  releases: Record<string, DeployedRelease>; // key: namespace/name
  deploys: DeployRecord[]; // newest first
}

export const releaseKey = (r: { namespace: string; name: string }) => `${r.namespace}/${r.name}`;

export async function readRecord(api: CoreV1Api, retry?: RetryOptions): Promise<ClusterRecord> {
  return withRetry(
    'read deploy record',
    async () => {
      try {
        const cm = await api.readNamespacedConfigMap({ name: configMapName, namespace: systemNamespace });
        return parseRecord(cm);
      } catch (err) {
        if (isNotFound(err)) return { releases: {}, deploys: [] };
        throw err;
      }
    },
    retry,
  );
}

function parseRecord(cm: V1ConfigMap): ClusterRecord {
  return {
    releases: JSON.parse(cm.data?.['releases.json'] ?? '{}'),
    deploys: JSON.parse(cm.data?.['deploys.json'] ?? '[]'),
  };
}

/** Read-modify-write with the ConfigMap's resourceVersion, retried on conflicts. */
export async function updateRecord(
  api: CoreV1Api,
  change: (r: ClusterRecord) => void,
): Promise<ClusterRecord> {
  return withRetry('write deploy record', async () => {
    for (;;) {
      let existing: V1ConfigMap | undefined;
      try {
        existing = await api.readNamespacedConfigMap({ name: configMapName, namespace: systemNamespace });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      const record = existing ? parseRecord(existing) : { releases: {}, deploys: [] };
      change(record);
      record.deploys = record.deploys.slice(0, keepDeploys);
      const body: V1ConfigMap = {
        metadata: {
          name: configMapName,
          namespace: systemNamespace,
          resourceVersion: existing?.metadata?.resourceVersion,
          labels: { 'app.kubernetes.io/managed-by': 'runlevel' },
        },
        data: {
          'releases.json': JSON.stringify(sortedByKey(record.releases), null, 1),
          'deploys.json': JSON.stringify(record.deploys, null, 1),
        },
      };
      try {
        if (existing)
          await api.replaceNamespacedConfigMap({ name: configMapName, namespace: systemNamespace, body });
        else await api.createNamespacedConfigMap({ namespace: systemNamespace, body });
        return record;
      } catch (err) {
        if (!isConflict(err)) throw err; // another writer: read again and re-apply our change
      }
    }
  });
}

function sortedByKey<T>(map: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => a.localeCompare(b)));
}

/** Put a deploy record in (replacing an earlier version of the same deploy). */
export function upsertDeploy(r: ClusterRecord, d: DeployRecord): void {
  const i = r.deploys.findIndex((x) => x.id === d.id);
  if (i >= 0) r.deploys[i] = { ...d };
  else r.deploys.unshift({ ...d });
}

/**
 * A deploy still marked running while we hold the lock died without finishing (a crash, a lost
 * API server, a kill -9): say so in its record.
 */
export function closeAbandoned(r: ClusterRecord, now: string, why?: string): DeployRecord[] {
  const abandoned = r.deploys.filter((d) => d.outcome === 'running');
  for (const d of abandoned) {
    d.outcome = 'failed';
    d.ended = d.ended || now;
    d.failure ??= {
      runlevel: d.at,
      step: 'abandoned',
      message: `the ${d.command} stopped without finishing${d.at ? ` during runlevel ${d.at}` : ''} (${why ?? 'process killed or API server lost'})`,
    };
  }
  return abandoned;
}

/** Whether the run with this id has ended: its record left "running" (or was trimmed away). */
export function runEnded(r: ClusterRecord, id: string): boolean {
  return r.deploys.find((d) => d.id === id)?.outcome !== 'running';
}
