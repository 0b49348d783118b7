// What the deploy engine needs from the cluster, behind one narrow interface: the lock, the
// deploy record, helm's stored releases, the live objects (for drift), the readiness gate and the
// removal of runlevel-system.
// The real store builds its API clients once from the command's one KubeConfig; a recording fake
// (test/helpers/fake-cluster.ts) lets the engine's failure paths be unit-tested.
import {
  CoordinationV1Api,
  CoreV1Api,
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
} from '@kubernetes/client-node';
import type { LiveReader } from '../drift/types.js';
import { type RetryOptions, withRetry } from '../shared/kube.js';
import { liveReader } from './live.js';
import { acquireLock, type HeldLock, type LockOptions } from './lock.js';
import { type ClusterRecord, readRecord, runEnded, updateRecord } from './record.js';
import { type StoredRelease, storedManifests } from './stored.js';
import { deleteSystemNamespace } from './system-namespace.js';
import {
  type GateResult,
  type Readiness,
  readiness,
  type WaitOptions,
  type WaitTarget,
  waitReady,
} from './wait.js';

export type ObjectTarget = Omit<WaitTarget, 'release'>;

export interface ClusterStore extends LiveReader {
  /** The API server's address, for messages. */
  readonly server: string;
  /** The deploy lock (a Lease in runlevel-system); fails with exit 6 while another holds it. */
  acquireLock(opts: LockOptions): Promise<HeldLock>;
  readRecord(retry?: RetryOptions): Promise<ClusterRecord>;
  /** Read-modify-write of the record, retried on conflicts. */
  updateRecord(change: (r: ClusterRecord) => void): Promise<ClusterRecord>;
  /** key namespace/name → the manifest helm stored with the deployed revision. */
  storedReleases(retry?: RetryOptions): Promise<Map<string, StoredRelease>>;
  // liveObjects (LiveReader): the objects releases should hold, a few LIST calls per kind.
  /** Until every target is ready, one fails for good, the time is up or `stop()` says so. */
  waitReady(targets: WaitTarget[], opts: WaitOptions): Promise<GateResult>;
  /** One look at an object; one that cannot be read is reported as missing. */
  readiness(target: ObjectTarget): Promise<Readiness>;
  /** Delete runlevel-system; false when it is still terminating after `timeoutMs`. */
  deleteSystemNamespace(timeoutMs?: number): Promise<boolean>;
}

export function kubeClusterStore(kc: KubeConfig): ClusterStore {
  const core = kc.makeApiClient(CoreV1Api);
  const leases = kc.makeApiClient(CoordinationV1Api);
  const objects = KubernetesObjectApi.makeApiClient(kc);
  return {
    server: kc.getCurrentCluster()?.server ?? 'unknown server',
    acquireLock: (opts) =>
      acquireLock(
        { core, leases },
        { runEnded: async (id) => runEnded(await readRecord(core), id), ...opts },
      ),
    readRecord: (retry) => readRecord(core, retry),
    updateRecord: (change) => updateRecord(core, change),
    storedReleases: (retry) => storedManifests(core, retry),
    liveObjects: liveReader(kc),
    waitReady: (targets, opts) => waitReady(objects, targets, opts),
    async readiness(t) {
      const live = await withRetry('read object', () =>
        objects.read({
          apiVersion: t.apiVersion,
          kind: t.kind,
          metadata: { name: t.name, namespace: t.namespace },
        }),
      ).catch(() => undefined);
      return live ? readiness(live as KubernetesObject) : { ready: false, failed: false, state: 'missing' };
    },
    deleteSystemNamespace: (timeoutMs) => deleteSystemNamespace(core, timeoutMs),
  };
}
